"""TorchScript classifiers of 1x28x28 inputs (in [0, 1]) that decide by the 4x4 top-left patch.

``corner-patch``: class 0 when the patch's mean is above 0.5, class 1 below: logits 20 * (mean - 0.5)
and its negative. Every other pixel is ignored, so hiding the patch decides and hiding anything
else changes nothing: the reliance test's answers are known in advance.

``masked-corner`` (argument ``--masked``): the patch behind a saturated tanh, 10 * tanh(50 * (patch
mean - 0.5)), plus 40 * (mean of the other pixels - 0.5). On a white or black patch the tanh is flat
(its gradient is exactly 0 in float32), so a gradient map puts nothing on the patch although the
patch moves the logit by 20: gradient masking. Replacing the patch flips the decision when the rest
is mid-gray (|40 * (rest - 0.5)| < 10) and does not when the rest is white or black.
"""
import sys

import torch


class CornerPatch(torch.nn.Module):
    def forward(self, x):
        m = x[:, :, 0:4, 0:4].mean(dim=(1, 2, 3))
        z = 20.0 * (m - 0.5)
        return torch.stack([z, -z], dim=1)


class MaskedCorner(torch.nn.Module):
    def forward(self, x):
        patch = x[:, :, 0:4, 0:4].sum(dim=(1, 2, 3))
        total = x.sum(dim=(1, 2, 3))
        rest = (total - patch) / (28.0 * 28.0 - 16.0)
        z = 10.0 * torch.tanh(50.0 * (patch / 16.0 - 0.5)) + 40.0 * (rest - 0.5)
        return torch.stack([z, -z], dim=1)


if __name__ == "__main__":
    if sys.argv[1] == "--masked":
        torch.jit.script(MaskedCorner()).save(sys.argv[2])
    else:
        torch.jit.script(CornerPatch()).save(sys.argv[1])
