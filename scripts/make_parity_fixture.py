"""Writes tests/fixtures/numpy_parity.npz: a few SGD steps of the seed code on a small real subset.

The Rust trainer replays the same permutations and must match the weights and the loss curve.
Run from the repository root: python3 scripts/make_parity_fixture.py
"""
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import seed_softmax  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES, BATCH, EPOCHS, LR = 600, 64, 3, 0.1


def main():
    data = np.load(ROOT / "data" / "mini_mnist.npz")
    pixels = data["X_train"][:SAMPLES].reshape(SAMPLES, -1)
    labels = data["y_train"][:SAMPLES]
    rng = np.random.default_rng(7)
    permutations = np.stack([rng.permutation(SAMPLES) for _ in range(EPOCHS)]).astype(np.uint32)
    x = pixels / 255.0
    out = {"X": pixels, "y": labels, "permutations": permutations,
           "settings": np.array([LR, BATCH, EPOCHS], dtype=np.float64)}
    for mode in ("row", "batch"):
        weights, losses = seed_softmax.train(x, labels, lr=LR, batch=BATCH, epochs=EPOCHS,
                                             permutations=permutations, mode=mode)
        out[f"weights_{mode}"] = weights.astype(np.float32)
        out[f"losses_{mode}"] = losses.astype(np.float32)
    path = ROOT / "tests" / "fixtures" / "numpy_parity.npz"
    np.savez_compressed(path, **out)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
