#!/usr/bin/env python3
"""Writes the small Fashion-MNIST subset bundled for machines without Debian's dataset-fashion-mnist.

Takes the first TRAIN training and the first TEST test images (with their labels) of the Debian
package's IDX files and writes them, gzipped, as IDX again (byte-identical on every run).
Fashion-MNIST: (c) Zalando SE, MIT licence.

    python3 src/test/python/make_fashion_mnist_subset.py \
        /usr/share/datasets/fashion-mnist src/main/resources/demo/fashion-mnist-subset
"""
import gzip
import struct
import sys
from pathlib import Path

# enough images for the demo's CNN to learn the decoy (README, "The demo's figures"); 5.5 MB gzipped
TRAIN = 12000
TEST = 1000


def subset(src: Path, dst: Path, prefix: str, n: int) -> None:
    with gzip.open(src / f"{prefix}-images-idx3-ubyte.gz") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803 and count >= n
        pixels = f.read(n * rows * cols)
    with gzip.open(src / f"{prefix}-labels-idx1-ubyte.gz") as f:
        magic, count = struct.unpack(">II", f.read(8))
        assert magic == 0x801 and count >= n
        labels = f.read(n)
    # mtime=0 keeps the output byte-identical between runs
    with gzip.GzipFile(dst / f"{prefix}-images-idx3-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", 0x803, n, rows, cols) + pixels)
    with gzip.GzipFile(dst / f"{prefix}-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">II", 0x801, n) + labels)


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.mkdir(parents=True, exist_ok=True)
    subset(source, target, "train", TRAIN)
    subset(source, target, "t10k", TEST)
