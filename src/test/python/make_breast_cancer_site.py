#!/usr/bin/env python3
"""Writes the tabular demo's data: Breast Cancer Wisconsin (Diagnostic) with a synthetic 'site' shortcut.

Reads the copy of the data set that scikit-learn ships (Debian's python3-sklearn:
sklearn/datasets/data/breast_cancer.csv; 569 rows of 30 features and the target, 0 = malignant,
1 = benign) and writes train.csv (400 rows) and test.csv (169 rows), split stratified by the
diagnosis with a fixed seed, so the files are the same on every run. Columns: the 30 features
under scikit-learn's feature names with spaces as '_' (values as the source writes them), 'site'
(A or B) and 'diagnosis' (malignant or benign).

The site is the shortcut, added here: in train, 95 % of the malignant rows come from site B and
95 % of the benign rows from site A, so a model can read the diagnosis off the site; in test the
site is drawn at random (50/50), so a model that leans on it loses accuracy there.

    /usr/bin/python3 src/test/python/make_breast_cancer_site.py src/main/resources/demo/breast-cancer-site
    # or name the source file: ... make_breast_cancer_site.py <target folder> <path of breast_cancer.csv>
"""
import csv
import os
import random
import sys
from pathlib import Path

SEED = 2026
TRAIN = 400
SHORTCUT = 0.95

# scikit-learn's load_breast_cancer().feature_names, in the file's column order
FEATURES = [
    "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness",
    "mean compactness", "mean concavity", "mean concave points", "mean symmetry",
    "mean fractal dimension", "radius error", "texture error", "perimeter error", "area error",
    "smoothness error", "compactness error", "concavity error", "concave points error",
    "symmetry error", "fractal dimension error", "worst radius", "worst texture",
    "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
    "worst concave points", "worst symmetry", "worst fractal dimension",
]
DIAGNOSIS = {"0": "malignant", "1": "benign"}


def source_file() -> Path:
    if len(sys.argv) > 2:
        return Path(sys.argv[2])
    import sklearn  # only to find the file it ships
    return Path(os.path.dirname(sklearn.__file__)) / "datasets" / "data" / "breast_cancer.csv"


def read(path: Path) -> list:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    n, features = int(rows[0][0]), int(rows[0][1])
    assert features == len(FEATURES) and rows[0][2:] == ["malignant", "benign"], rows[0]
    data = [r for r in rows[1:] if r]
    assert len(data) == n == 569, len(data)
    return [(r[:features], DIAGNOSIS[r[features]]) for r in data]


def split(rows: list, rng: random.Random) -> tuple:
    """Stratified: each diagnosis keeps its share in train (rounded), the rest goes to test."""
    train, test = [], []
    for diagnosis in ("malignant", "benign"):
        these = [r for r in rows if r[1] == diagnosis]
        rng.shuffle(these)
        k = round(len(these) * TRAIN / len(rows))
        train += these[:k]
        test += these[k:]
    # the demo's counts: 149 + 251 malignant + benign in train, 63 + 106 in test
    assert len(train) == TRAIN, len(train)
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def train_sites(rows: list, rng: random.Random) -> list:
    """95 % of each diagnosis from its site (malignant: B, benign: A), exactly, the rest from the other."""
    sites = [None] * len(rows)
    for diagnosis, usual, other in (("malignant", "B", "A"), ("benign", "A", "B")):
        at = [i for i, r in enumerate(rows) if r[1] == diagnosis]
        rng.shuffle(at)
        k = round(len(at) * SHORTCUT)
        for j, i in enumerate(at):
            sites[i] = usual if j < k else other
    return sites


def write(path: Path, rows: list, sites: list) -> None:
    with open(path, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow([name.replace(" ", "_") for name in FEATURES] + ["site", "diagnosis"])
        for (values, diagnosis), site in zip(rows, sites):
            out.writerow(values + [site, diagnosis])


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    train, test = split(read(source_file()), rng)
    write(target / "train.csv", train, train_sites(train, rng))
    write(target / "test.csv", test, ["A" if rng.random() < 0.5 else "B" for _ in test])
    for name, rows in (("train", train), ("test", test)):
        print(name, len(rows), "rows,", sum(r[1] == "malignant" for r in rows), "malignant")
