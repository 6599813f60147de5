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
    starts = []
    # Each epoch is timed from its permutation to the next one's: the seed's loop, untouched.
    weights, _ = seed_softmax.train(x, y, epochs=args.epochs, dtype=dtype,
                                    on_epoch=lambda _: starts.append(time.perf_counter()))
    samples = len(x) // 256 * 256
    per_epoch = [samples / (end - start) for start, end in zip(starts, starts[1:])]
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


if __name__ == "__main__":
    main()
