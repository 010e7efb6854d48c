#!/usr/bin/env python3
"""Makes the small tabular models the tabular model tests use, and their PyTorch references:

    /usr/bin/python3 src/test/python/make_tabular_mlp.py src/test/resources/fixtures/tabular

The table: age (numeric), income (numeric), smoker (boolean), site (categorical: A, B, C); classes
no, yes. The spec's features, in the model's input order, are age, site=A, site=B, smoker, income
(site=C left out: a row of site C encodes as 0 in both site columns before standardisation), with
mean [50, 0.3, 0.4, 0.5, 30000] and std [10, 0.5, 0.5, 0.5, 10000].

- tabular-mlp.pt         an MLP 5 -> 16 -> 2 (ReLU), seeded, traced in eval mode on N x 5
- tabular-mlp-width4.pt  the same kind of MLP taking 4 features: refused for the 5-feature spec
- tabular-mlp-3out.pt    takes 5 features and answers 3 logits: refused for a 2-class spec
- tabular-mlp-nan.pt     takes 5 features and answers NaN: refused
- tabular-mlp-tuple.pt   takes 5 features and answers a tuple (logits, hidden layer): refused (made last,
  so that the references before it keep their random draws)
- tabular-first-feature.pt  answers the logits (0, x0): "yes" when the first input, standardised, is above
  0 (no weights, no random draws)
- tabular-mlp-nan-far.pt the MLP answering NaN only for rows whose standardised age is over 50 (age
  over 550): passes the upload's check, then a prediction of such a row is a 422
- tabular-mlp-reference.json  for 3 rows: their values, the encoded standardised input (computed
  here, independently of the platform's encoder), the logits, and for each class the input
  gradient of that class's logit (PyTorch autograd), gradient x input, integrated gradients from
  the zeros baseline (32 midpoint steps, as the platform computes them) and the feature ablation
  drops (a feature's columns set to 0, the spec's mean)
"""
import json
import sys
from pathlib import Path

import torch
import torch.nn as nn

FEATURES = ["age", "site=A", "site=B", "smoker", "income"]
MEAN = [50.0, 0.3, 0.4, 0.5, 30000.0]
STD = [10.0, 0.5, 0.5, 0.5, 10000.0]
CLASSES = ["no", "yes"]
GROUPS = ["age", "site", "smoker", "income"]
GROUP_OF = [0, 1, 1, 2, 3]
ROWS = [
    {"age": 63.0, "income": 41000.0, "smoker": True, "site": "B"},
    {"age": 35.0, "income": 22000.0, "smoker": False, "site": "A"},
    {"age": 50.0, "income": 30000.0, "smoker": False, "site": "C"},
]
STEPS = 32


def encode(row):
    raw = []
    for f in FEATURES:
        if "=" in f:
            column, category = f.split("=", 1)
            raw.append(1.0 if row[column] == category else 0.0)
        elif isinstance(row[f], bool):
            raw.append(1.0 if row[f] else 0.0)
        else:
            raw.append(float(row[f]))
    return [(v - m) / s for v, m, s in zip(raw, MEAN, STD)]


def mlp(inputs, outputs):
    return nn.Sequential(nn.Linear(inputs, 16), nn.ReLU(), nn.Linear(16, outputs))


class NanOut(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(5, 2)

    def forward(self, x):
        return self.lin(x) * float("nan")


class TupleOut(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        hidden = self.inner[1](self.inner[0](x))
        return self.inner[2](hidden), hidden


class NanFar(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        y = self.inner(x)
        return torch.where(x[:, :1] > 50, y * float("nan"), y)


def gradient(model, x, target):
    x = x.clone().requires_grad_(True)
    model(x)[:, target].sum().backward()
    return x.grad.detach()


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(18)
    model = mlp(5, 2).eval()
    traced = torch.jit.trace(model, torch.randn(2, 5))
    traced.save(str(out / "tabular-mlp.pt"))
    torch.jit.trace(mlp(4, 2).eval(), torch.randn(2, 4)).save(str(out / "tabular-mlp-width4.pt"))
    torch.jit.trace(mlp(5, 3).eval(), torch.randn(2, 5)).save(str(out / "tabular-mlp-3out.pt"))
    torch.jit.trace(NanOut().eval(), torch.randn(2, 5)).save(str(out / "tabular-mlp-nan.pt"))
    torch.jit.trace(NanFar(model).eval(), torch.randn(2, 5)).save(str(out / "tabular-mlp-nan-far.pt"))

    rows = []
    for row in ROWS:
        x = torch.tensor([encode(row)], dtype=torch.float32)
        with torch.no_grad():
            logits = model(x)[0]
        per_class = {}
        for target in range(len(CLASSES)):
            g = gradient(model, x, target)[0]
            alphas = [(k + 0.5) / STEPS for k in range(STEPS)]
            path = torch.cat([a * x for a in alphas])
            path.requires_grad_(True)
            model(path)[:, target].sum().backward()
            ig = (x[0] * path.grad.sum(0) / STEPS).detach()
            drops = []
            with torch.no_grad():
                full = model(x)[0, target].item()
                for group in range(len(GROUPS)):
                    ablated = x.clone()
                    for c, gc in enumerate(GROUP_OF):
                        if gc == group:
                            ablated[0, c] = 0.0
                    drops.append(full - model(ablated)[0, target].item())
            per_class[str(target)] = {
                "gradient": g.tolist(),
                "gradientTimesInput": (g * x[0]).tolist(),
                "integratedGradients": ig.tolist(),
                "occlusion": drops,
            }
        rows.append({"values": row, "encoded": x[0].tolist(), "logits": logits.tolist(), "targets": per_class})
    reference = {
        "spec": {"name": "mlp", "features": FEATURES, "classes": CLASSES, "mean": MEAN, "std": STD},
        "groups": GROUPS,
        "groupOfColumn": GROUP_OF,
        "rows": rows,
    }
    (out / "tabular-mlp-reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    torch.jit.trace(TupleOut(model).eval(), torch.randn(2, 5)).save(str(out / "tabular-mlp-tuple.pt"))
    save_first_feature(out)


class FirstFeature(nn.Module):
    """Answers the logits (0, x0): 'yes' exactly when the first input is above its mean."""

    def forward(self, x):
        return torch.stack([torch.zeros_like(x[:, 0]), x[:, 0]], dim=1)


def save_first_feature(out):
    torch.jit.trace(FirstFeature().eval(), torch.ones(2, 5)).save(str(out / "tabular-first-feature.pt"))


if __name__ == "__main__":
    main()
