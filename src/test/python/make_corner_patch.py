"""A TorchScript classifier that looks only at the 4x4 top-left patch of a 1x28x28 input.

Class 0 when the patch's mean (inputs in [0, 1]) is above 0.5, class 1 below: logits
20 * (mean - 0.5) and its negative. Every other pixel is ignored, so hiding the patch decides
and hiding anything else changes nothing: the reliance test's answers are known in advance.
"""
import sys

import torch


class CornerPatch(torch.nn.Module):
    def forward(self, x):
        m = x[:, :, 0:4, 0:4].mean(dim=(1, 2, 3))
        z = 20.0 * (m - 0.5)
        return torch.stack([z, -z], dim=1)


if __name__ == "__main__":
    torch.jit.script(CornerPatch()).save(sys.argv[1])
