//! What several test files share: the bundled data set.
#![allow(dead_code)] // each test file uses its own part

use mnist_logreg::{load_npz, Dataset};

/// The bytes of the bundled data set (8,000 training and 2,000 test digits of MNIST).
pub fn bundled_bytes() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/mini_mnist.npz")).unwrap()
}

/// The bundled data set, loaded.
pub fn bundled() -> Dataset {
    load_npz(&bundled_bytes()).unwrap()
}
