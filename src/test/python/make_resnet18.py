#!/usr/bin/env python3
"""Makes a torchvision ResNet-18 as an outside user would upload it: TorchScript, eval mode.

Run with Debian's python3-torch and python3-torchvision:
    /usr/bin/python3 src/test/python/make_resnet18.py <out-dir> [class,names,...]

Random weights, seeded (nothing can be downloaded here; the platform's checks and the UI need a
real architecture, not trained weights). Writes to <out-dir>:
- resnet18.pt             the whole network traced on 1x3x224x224 after model.eval()
- resnet18-features.pt    conv1 ... layer4: 1x3x224x224 -> [N, 512, 7, 7]
- resnet18-classifier.pt  avgpool, flatten, fc: [N, 512, 7, 7] -> logits; classifier(features(x))
                          is model(x), the split the platform takes for CAM methods
- resnet18-spec.json      the input spec: 3x224x224, ImageNet mean and std on [0, 1] pixels, the
                          class names (default animal,thing: the photographs of make_photos_zip.py)
"""
import json
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torchvision


class Features(nn.Module):
    """conv1 ... layer4 of the network, sharing its modules (and so its weights)."""

    def __init__(self, net):
        super().__init__()
        self.body = nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool, net.layer1, net.layer2, net.layer3,
                                  net.layer4)

    def forward(self, x):
        return self.body(x)


class Classifier(nn.Module):
    """avgpool, flatten and fc of the network."""

    def __init__(self, net):
        super().__init__()
        self.avgpool = net.avgpool
        self.fc = net.fc

    def forward(self, a):
        return self.fc(torch.flatten(self.avgpool(a), 1))


def main():
    out = Path(sys.argv[1])
    classes = sys.argv[2].split(",") if len(sys.argv) > 2 else ["animal", "thing"]
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(18)
    net = torchvision.models.resnet18(num_classes=len(classes))
    net.eval()  # BatchNorm on its running statistics: outputs do not depend on the batch
    x = torch.rand(1, 3, 224, 224)
    with torch.no_grad():
        whole = torch.jit.trace(net, x)
        features = torch.jit.trace(Features(net).eval(), x)
        classifier = torch.jit.trace(Classifier(net).eval(), features(x))
        assert torch.allclose(classifier(features(x)), whole(x), atol=1e-5)
    whole.save(str(out / "resnet18.pt"))
    features.save(str(out / "resnet18-features.pt"))
    classifier.save(str(out / "resnet18-classifier.pt"))
    spec = {"name": "resnet18", "channels": 3, "height": 224, "width": 224, "scale": 1 / 255,
            "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "classes": classes,
            "fit": "center-crop", "interpolation": "bilinear"}
    (out / "resnet18-spec.json").write_text(json.dumps(spec))


if __name__ == "__main__":
    main()
