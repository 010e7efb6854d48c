#!/usr/bin/env python3
"""Makes the PyTorch reference attributions of a small table model that TabularReferenceTest compares with.

Run with Debian's python3-torch (PyTorch 1.13):
    /usr/bin/python3 src/test/python/tabular_references.py src/test/resources/fixtures/saliency

Writes tabular.json: a seeded perceptron over one encoded, standardised row of 7 columns
(age, income, bmi, site=A, site=B, site=C, smoker; the one-hot site columns are one feature, so 5
features), 7 -> 8 (tanh) -> 2 logits, in float64, with its weights (so the Java analytic model
AnalyticModels.Mlp is the same function); the training mean row, three reference rows, three input
rows and their targets; and, by autograd or by enumeration:
- logits, gradient               the target logit's input gradient
- ig32_zeros, ig32_mean          integrated gradients, 32 steps, Riemann midpoint alpha = (k + 1/2) / 32,
                                 from the zeros row and from the mean row, per column
- shapley_zeros, shapley_mean,   exact Shapley values of the 5 features (all 2^5 coalitions, weights
  shapley_sample                 |S|! (M - |S| - 1)! / M!), a feature absent taking the baseline's values
                                 on its columns; for sample, a coalition's value is its mean over the
                                 three reference rows; per feature
- ablation_mean                  f(x) - f(x with the feature's columns set to the mean row), per feature
"""
import itertools
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn as nn

torch.manual_seed(2026)
torch.set_default_dtype(torch.float64)

COLUMNS = ["age", "income", "bmi", "site=A", "site=B", "site=C", "smoker"]
FEATURES = ["age", "income", "bmi", "site", "smoker"]
FEATURE_OF_COLUMN = [0, 1, 2, 3, 3, 3, 4]
STEPS = 32


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(7, 8)
        self.l2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x)))


def row(numeric, site, smoker):
    onehot = [0.0, 0.0, 0.0]
    onehot[site] = 1.0
    return numeric + onehot + [smoker]


def main(out_dir):
    model = Mlp()
    for p in model.parameters():
        with torch.no_grad():
            p.mul_(2.0)
    mean = [0.1, -0.3, 0.2, 0.5, 0.3, 0.2, 0.4]
    references = [row([0.5, -1.2, 0.3], 0, 1.0), row([-0.7, 0.4, 1.1], 2, 0.0), row([1.3, 0.2, -0.6], 1, 1.0)]
    inputs = [row([1.2, -0.4, 0.9], 1, 1.0), row([-1.5, 2.0, 0.1], 0, 0.0), row([0.3, 0.8, -1.7], 2, 1.0)]
    targets = [0, 1, 1]
    x = torch.tensor(inputs)
    t = torch.tensor(targets)

    def f(rows, target):
        with torch.no_grad():
            return model(torch.tensor(rows))[:, target].tolist()

    def gradient(rows, tgts):
        z = rows.clone().requires_grad_(True)
        model(z).gather(1, tgts.view(-1, 1)).sum().backward()
        return z.grad

    logits = model(x).detach()
    grad = gradient(x, t)

    def integrated(base_row):
        base = torch.tensor([base_row] * len(inputs))
        total = torch.zeros_like(x)
        for k in range(STEPS):
            alpha = (k + 0.5) / STEPS
            total += gradient(base + alpha * (x - base), t)
        return ((x - base) * total / STEPS)

    def members(players):
        return [c for c in range(7) if FEATURE_OF_COLUMN[c] in players]

    def coalition_row(xr, base, players):
        z = list(base)
        for c in members(players):
            z[c] = xr[c]
        return z

    def shapley(xr, target, bases):
        m = len(FEATURES)

        def value(players):
            return sum(f([coalition_row(xr, b, players) for b in bases], target)) / len(bases)

        phi = [0.0] * m
        for j in range(m):
            others = [p for p in range(m) if p != j]
            for size in range(m):
                w = math.factorial(size) * math.factorial(m - size - 1) / math.factorial(m)
                for s in itertools.combinations(others, size):
                    phi[j] += w * (value(set(s) | {j}) - value(set(s)))
        return phi

    def ablation(xr, target, base):
        fx = f([xr], target)[0]
        out = []
        for j in range(len(FEATURES)):
            z = list(xr)
            for c in members({j}):
                z[c] = base[c]
            out.append(fx - f([z], target)[0])
        return out

    zeros = [0.0] * 7
    result = {
        "columns": COLUMNS,
        "features": FEATURES,
        "featureOfColumn": FEATURE_OF_COLUMN,
        "mean": mean,
        "referenceRows": references,
        "w1": model.l1.weight.detach().tolist(),
        "b1": model.l1.bias.detach().tolist(),
        "w2": model.l2.weight.detach().tolist(),
        "b2": model.l2.bias.detach().tolist(),
        "inputs": inputs,
        "targets": targets,
        "logits": logits.flatten().tolist(),
        "gradient": grad.flatten().tolist(),
        "ig32_zeros": integrated(zeros).flatten().tolist(),
        "ig32_mean": integrated(mean).flatten().tolist(),
        "shapley_zeros": [v for i in range(3) for v in shapley(inputs[i], targets[i], [zeros])],
        "shapley_mean": [v for i in range(3) for v in shapley(inputs[i], targets[i], [mean])],
        "shapley_sample": [v for i in range(3) for v in shapley(inputs[i], targets[i], references)],
        "ablation_mean": [v for i in range(3) for v in ablation(inputs[i], targets[i], mean)],
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tabular.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures/saliency")
