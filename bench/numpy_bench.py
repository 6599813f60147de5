"""Times the seed's numpy code (scripts/seed_softmax.py) epoch by epoch; prints one JSON object.

Usage: python3 bench/numpy_bench.py DATA.npz --dtype float64|float32 --epochs N
Same algorithm and settings as the wasm trainer: zero init, bias column, lr 0.1, batch 256, a fresh
permutation each epoch, the last partial batch dropped.
"""
import argparse
import json
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "scripts"))
import seed_softmax  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    dtype = np.dtype(args.dtype).type
    data = np.load(args.data)
    x = data["X_train"].reshape(len(data["y_train"]), -1) / dtype(255)
    y = data["y_train"]
    per_epoch = []
    rng = np.random.default_rng(0)
    weights = None
    batches = len(x) // 256
    for _ in range(args.epochs):
        order = rng.permutation(len(x))
        started = time.perf_counter()
        weights = train_epoch(x, y, order, weights, dtype)
        per_epoch.append(batches * 256 / (time.perf_counter() - started))
    x_test = data["X_test"].reshape(len(data["y_test"]), -1) / dtype(255)
    print(json.dumps({
        "samples": len(x),
        "epochs": args.epochs,
        "dtype": args.dtype,
        "samplesPerSecond": float(np.median(per_epoch)),
        "perEpoch": per_epoch,
        "testAccuracy": seed_softmax.accuracy(weights, x_test, data["y_test"]),
        "numpy": np.__version__,
    }))


def train_epoch(x, y, order, weights, dtype):
    """One epoch of the seed loop, continuing from `weights` (the bias column is prepended per epoch
    outside the timed region in seed_softmax.train, so here it is done once up front and cached)."""
    global _with_bias
    if weights is None:
        _with_bias = seed_softmax.with_bias(x)
    xb = _with_bias
    classes = 10
    a = np.zeros((classes, xb.shape[1]), dtype=dtype) if weights is None else weights
    onehot = np.eye(classes, dtype=dtype)[y]
    for b in range(len(xb) // 256):
        idx = order[b * 256:(b + 1) * 256]
        xs, ys = xb[idx], onehot[idx]
        p = seed_softmax.softmax(xs @ a.T)
        _ = -np.mean(np.log(np.sum(p * ys, axis=1)))
        grad = (p - ys).T @ xs / 256
        a -= dtype(0.1) * grad
    return a


_with_bias = None

if __name__ == "__main__":
    main()
