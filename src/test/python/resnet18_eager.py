#!/usr/bin/env python3
"""The PyTorch side of ResNetBenchmark: the same work as Rationale's paths, as a user would script it.

Run with Debian's python3-torch (1.13), on the model file and the inputs the benchmark wrote:
    /usr/bin/python3 src/test/python/resnet18_eager.py <model.pt> <inputs.f32> <n> <case> <steps> <samples> <rows>

<inputs.f32>  n preprocessed inputs, float32 little-endian, n x 3 x 224 x 224 (what the model sees)
<case>        vanilla:    per batch of <samples> samples one forward pass, the predicted class taken from
                          its logits, the gradient of those logits with respect to the inputs (one
                          forward and one backward pass give the prediction and the map)
              integrated: per batch of <samples> samples the prediction (one forward pass), then
                          integrated gradients with <steps> midpoint steps from a black baseline, the
                          path rows run <rows> at a time, and the logits at the baselines (for the
                          completeness gap)
              (<samples> 1 is the single-map case)

Warms up on the first inputs (TorchScript optimises its graph in the first calls), then times the
whole set once and prints one line: "maps_per_second <x> threads <intra-op threads>". Torch's own
thread defaults are kept (what a user gets); TORCH_THREADS=<k> sets them.
"""
import os
import sys
import time

import torch

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def vanilla(model, x):
    x = x.clone().requires_grad_(True)
    out = model(x)
    target = out.detach().argmax(1)
    out.gather(1, target.view(-1, 1)).sum().backward()
    return out.detach(), x.grad


def integrated(model, x, steps, batch):
    with torch.no_grad():
        target = model(x).argmax(1)
    base = ((torch.zeros_like(x) - MEAN) / STD)  # black pixels, normalised as the model sees them
    n = x.shape[0]
    alphas = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    # rows sample-major: sample i, step k
    rows = (base.unsqueeze(1) + alphas.view(1, steps, 1, 1, 1) * (x - base).unsqueeze(1)).reshape(n * steps, *x.shape[1:])
    row_targets = target.repeat_interleave(steps)
    grads = torch.empty_like(rows)
    for start in range(0, rows.shape[0], batch):
        chunk = rows[start:start + batch].clone().requires_grad_(True)
        out = model(chunk)
        out.gather(1, row_targets[start:start + batch].view(-1, 1)).sum().backward()
        grads[start:start + batch] = chunk.grad
    attr = (x - base) * grads.view(n, steps, *x.shape[1:]).mean(1)
    with torch.no_grad():
        fb = model(base).gather(1, target.view(-1, 1))
    return attr, fb


def run(model, x, case, steps, samples, rows):
    for start in range(0, x.shape[0], samples):
        chunk = x[start:start + samples]
        if case == "vanilla":
            vanilla(model, chunk)
        else:
            integrated(model, chunk, steps, rows)


def main():
    model_file, inputs_file, n, case, steps, samples, rows = sys.argv[1:8]
    n, steps, samples, rows = int(n), int(steps), int(samples), int(rows)
    if "TORCH_THREADS" in os.environ:
        torch.set_num_threads(int(os.environ["TORCH_THREADS"]))
    model = torch.jit.load(model_file).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    x = torch.from_file(inputs_file, size=n * 3 * 224 * 224, dtype=torch.float32).view(n, 3, 224, 224)
    warm = x[:min(n, samples if case == "vanilla" else 1)]
    for _ in range(2):
        run(model, warm, case, steps, samples, rows)
    t0 = time.perf_counter()
    run(model, x, case, steps, samples, rows)
    seconds = time.perf_counter() - t0
    print(f"maps_per_second {n / seconds:.4f} threads {torch.get_num_threads()}")


if __name__ == "__main__":
    main()
