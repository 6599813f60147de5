//! The largest data sets: the full MNIST's size (60,000 + 10,000 images of 28×28) loads and trains.

mod common;

use mnist_logreg::data::MAX_PIXELS;
use mnist_logreg::{load_npz, FileError, TrainConfig, Trainer};
use ndarray::{s, Array1, Array3};
use ndarray_npy::{NpzReader, NpzWriter};
use std::io::Cursor;

/// The bundled digits tiled to `train` + `test` samples, as an uncompressed .npz (uint8, like MNIST's).
fn tiled_npz(train: usize, test: usize) -> Vec<u8> {
    let bundled = common::bundled_bytes();
    let mut npz = NpzReader::new(Cursor::new(bundled)).unwrap();
    let images: Array3<u8> = npz.by_name("X_train").unwrap();
    let labels: Array1<u8> = npz.by_name("y_train").unwrap();
    let tile = |n: usize| {
        let x = Array3::from_shape_fn((n, 28, 28), |(i, r, c)| images[[i % images.len_of(ndarray::Axis(0)), r, c]]);
        let y = Array1::from_shape_fn(n, |i| labels[i % labels.len()]);
        (x, y)
    };
    let ((x_train, y_train), (x_test, y_test)) = (tile(train), tile(test));
    let mut out = NpzWriter::new(Cursor::new(Vec::new()));
    out.add_array("X_train", &x_train).unwrap();
    out.add_array("y_train", &y_train).unwrap();
    out.add_array("X_test", &x_test.slice(s![.., .., ..])).unwrap();
    out.add_array("y_test", &y_test).unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn the_full_mnist_size_loads_and_trains() {
    let data = load_npz(&tiled_npz(60_000, 10_000)).expect("60,000 + 10,000 images are within the limits");
    assert_eq!((data.train.len(), data.test.len(), data.features), (60_000, 10_000, 784));
    assert_eq!(MAX_PIXELS, 67_108_864, "the documented limit");
    let mut trainer = Trainer::new(data, TrainConfig { epochs: 1, ..TrainConfig::default() }).unwrap();
    let progress = trainer.step(usize::MAX);
    assert_eq!((progress.batches_per_epoch, progress.done), (234, true));
    let evaluation = trainer.evaluate();
    assert!(evaluation.test_accuracy > 0.85, "{evaluation:?}");
}

#[test]
fn one_image_too_many_pixels_is_refused_with_the_limit() {
    // 85,599 images of 28×28 together (here 75,599 + 10,000) are the first to exceed MAX_PIXELS (67,108,864):
    // 85,598 × 784 = 67,108,832 still fits.
    let refused = load_npz(&tiled_npz(75_599, 10_000)).unwrap_err();
    assert!(matches!(&refused, FileError::TooLarge { name: "X_train and X_test together", .. }), "{refused:?}");
    assert!(refused.to_string().contains("67108864"), "the message gives the limit: {refused}");
    assert!(load_npz(&tiled_npz(75_598, 10_000)).is_ok());
}
