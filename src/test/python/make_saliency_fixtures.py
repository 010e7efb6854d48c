#!/usr/bin/env python3
"""Makes the TorchScript models and the PyTorch-autograd reference maps the saliency tests compare with.

Run with Debian's python3-torch (PyTorch 1.13):
    /usr/bin/python3 src/test/python/make_saliency_fixtures.py src/test/resources/fixtures/saliency

Writes, for 1x28x28 inputs and 10 classes:
- linear.pt          logits = W . flatten(x) + b (gradient = W[target], IG = (x - baseline) . W[target])
- cnn.pt             a small ReLU CNN; cnn-features.pt and cnn-classifier.pt are the same weights traced
                     in two parts (features -> [N,8,7,7], classifier -> logits) for Grad-CAM
- smooth.pt          the same CNN shape with tanh, for finite differences
- reference.json     inputs, targets, logits and maps computed by autograd:
                     vanilla gradient, gradient x input, integrated gradients (black baseline, 16 steps,
                     Riemann midpoint), grad-cam (ReLU of sum_k mean(dy/dA_k) A_k, bilinear to 28x28,
                     align_corners=False)
"""
import json
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)


class Features(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 8, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.act = act

    def forward(self, x):
        return self.act(self.c3(self.act(self.c2(self.act(self.c1(x))))))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8 * 7 * 7, 10)

    def forward(self, a):
        return self.fc(torch.flatten(a, 1))


class Cnn(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.features = Features(act)
        self.classifier = Classifier()

    def forward(self, x):
        return self.classifier(self.features(x))


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


def grad(model, x, targets):
    x = x.clone().requires_grad_(True)
    out = model(x)
    out.gather(1, targets.view(-1, 1)).sum().backward()
    return x.grad.detach()


def integrated_gradients(model, x, targets, steps):
    baseline = torch.zeros_like(x)
    total = torch.zeros_like(x)
    for k in range(steps):
        alpha = (k + 0.5) / steps
        total += grad(model, baseline + alpha * (x - baseline), targets)
    return (x - baseline) * total / steps


def grad_cam(features, classifier, x, targets):
    a = features(x).detach().requires_grad_(True)
    out = classifier(a)
    out.gather(1, targets.view(-1, 1)).sum().backward()
    weights = a.grad.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((weights * a).sum(dim=1, keepdim=True))
    return F.interpolate(cam, size=(28, 28), mode="bilinear", align_corners=False).detach()


def trace(module, example, path):
    module.eval()
    torch.jit.trace(module, example).save(str(path))


def main(out: Path):
    out.mkdir(parents=True, exist_ok=True)
    x = torch.rand(4, 1, 28, 28)
    targets = torch.tensor([0, 3, 7, 9])

    linear = Linear().eval()
    cnn = Cnn(nn.ReLU()).eval()
    smooth = Cnn(nn.Tanh()).eval()
    trace(linear, x, out / "linear.pt")
    trace(cnn, x, out / "cnn.pt")
    trace(cnn.features, x, out / "cnn-features.pt")
    trace(cnn.classifier, cnn.features(x), out / "cnn-classifier.pt")
    trace(smooth, x, out / "smooth.pt")

    ref = {
        "inputs": x.flatten().tolist(),
        "shape": list(x.shape),
        "targets": targets.tolist(),
        "linearWeights": linear.fc.weight.detach().flatten().tolist(),
        "models": {},
    }
    for name, model in [("linear", linear), ("cnn", cnn), ("smooth", smooth)]:
        g = grad(model, x, targets)
        ref["models"][name] = {
            "logits": model(x).detach().flatten().tolist(),
            "vanilla-gradient": g.flatten().tolist(),
            "gradient-x-input": (g * x).flatten().tolist(),
            "integrated-gradients-16": integrated_gradients(model, x, targets, 16).flatten().tolist(),
        }
    ref["models"]["cnn"]["grad-cam"] = grad_cam(cnn.features, cnn.classifier, x, targets).flatten().tolist()
    (out / "reference.json").write_text(json.dumps(ref))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
