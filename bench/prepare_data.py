"""Prepares the benchmark's data sets in bench/results/: the bundled 8,000 training digits, the same tiled
to 64,000, and to the full MNIST's size (60,000 + 10,000), each as an .npz (for numpy and the wasm trainer)
and as raw uint8 files (for TF.js)."""
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    data = np.load(ROOT / "data" / "mini_mnist.npz")
    for name, tiles, test_tiles in (("mnist_8k", 1, 1), ("mnist_64k", 8, 1), ("mnist_full_size", 7.5, 5)):
        tile = lambda array, n: np.concatenate([array] * int(np.ceil(n)))[: int(len(array) * n)]
        arrays = {
            "X_train": tile(data["X_train"], tiles),
            "y_train": tile(data["y_train"], tiles),
            "X_test": tile(data["X_test"], test_tiles),
            "y_test": tile(data["y_test"], test_tiles),
        }
        np.savez(OUT / f"{name}.npz", **arrays)
        for key, array in arrays.items():
            (OUT / f"{name}.{key}.u8").write_bytes(np.ascontiguousarray(array, dtype=np.uint8).tobytes())
        meta = {"train": len(arrays["y_train"]), "test": len(arrays["y_test"]), "features": 784}
        (OUT / f"{name}.json").write_text(json.dumps(meta))
        print(f"{name}: {meta['train']} training samples")


if __name__ == "__main__":
    main()
