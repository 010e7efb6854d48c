#!/usr/bin/env python3
"""Makes the small models the upload checks are tested with (each a few KB):

    /usr/bin/python3 src/test/python/make_upload_fixtures.py src/test/resources/fixtures/models

For 28x28 inputs and 10 classes:
- batchnorm-train.pt  1-channel CNN with BatchNorm, traced in TRAIN mode: BatchNorm then normalises
                      with the batch's own statistics, so an image's output depends on the batch
- batchnorm-eval.pt   the same network traced after model.eval(): accepted
- state-dict.pth      the same network's state dict saved with torch.save: not TorchScript
- rgb.pt              a 3-channel CNN (eval mode), for a spec that says 1 channel
- constant-class-1.pt answers class 1 for every image (logits 1 for class 1, 0 for the rest): its accuracy
                      is the share of class 1 among the images (no weights, no random draws)
"""
import sys
from pathlib import Path

import torch
import torch.nn as nn


def cnn(channels):
    return nn.Sequential(nn.Conv2d(channels, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(64, 10))


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(15)
    gray = cnn(1)
    x = torch.rand(2, 1, 28, 28)
    gray.train()
    torch.jit.trace(gray, x).save(str(out / "batchnorm-train.pt"))
    gray.eval()
    torch.jit.trace(gray, x).save(str(out / "batchnorm-eval.pt"))
    torch.save(gray.state_dict(), str(out / "state-dict.pth"))
    rgb = cnn(3).eval()
    torch.jit.trace(rgb, torch.rand(2, 3, 28, 28)).save(str(out / "rgb.pt"))
    save_constant(out)


class ConstantClass1(nn.Module):
    def forward(self, x):
        one_hot = torch.zeros(10)
        one_hot[1] = 1.0
        return x.flatten(1)[:, :10] * 0.0 + one_hot


def save_constant(out):
    torch.jit.trace(ConstantClass1().eval(), torch.rand(2, 1, 28, 28)).save(str(out / "constant-class-1.pt"))


if __name__ == "__main__":
    main()
