"""The seed homework's softmax regression in numpy, with its bug fixed and kept behind a switch.

This is the reference the Rust core is checked against (scripts/make_parity_fixture.py) and the numpy
side of the benchmarks. Zero init, a bias column of ones prepended, mini-batch SGD, each epoch a new
permutation, the last partial batch dropped.
"""
import numpy as np


def softmax(z, mode="row"):
    exps = np.exp(z - (np.max(z, axis=1, keepdims=True) if mode == "row" else np.max(z)))
    if mode == "row":
        return exps / np.sum(exps, axis=1, keepdims=True)
    return exps / np.sum(exps)  # the seed's bug: normalised over the whole batch


def with_bias(x):
    return np.hstack([np.ones((len(x), 1), dtype=x.dtype), x])


def train(x, y, lr=0.1, batch=256, epochs=10, permutations=None, seed=0, mode="row", dtype=np.float64,
          on_epoch=None):
    """Returns (weights K×(D+1), per-batch losses). `permutations[e]` fixes epoch e's order if given;
    `on_epoch(epoch)` is called at the start of each epoch and once more at the end (for timing)."""
    x = with_bias(x.astype(dtype))
    classes = 10
    a = np.zeros((classes, x.shape[1]), dtype=dtype)
    onehot = np.eye(classes, dtype=dtype)[y]
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(epochs):
        order = permutations[epoch] if permutations is not None else rng.permutation(len(x))
        if on_epoch:
            on_epoch(epoch)
        for b in range(len(x) // batch):
            idx = order[b * batch:(b + 1) * batch]
            xb, yb = x[idx], onehot[idx]
            p = softmax(xb @ a.T, mode)
            losses.append(-np.mean(np.log(np.sum(p * yb, axis=1))))
            grad = (p - yb).T @ xb / batch
            a -= dtype(lr) * grad
    if on_epoch:
        on_epoch(epochs)
    return a, np.asarray(losses)


def accuracy(a, x, y):
    return float(np.mean(np.argmax(with_bias(x.astype(a.dtype)) @ a.T, axis=1) == y))
