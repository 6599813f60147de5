//! Loading a slice at a time (as the page does, between frames) gives exactly what loading at once gives,
//! says how far it has got, and refuses a bad file as strictly, whenever the problem shows.

mod common;

use mnist_logreg::data::{load_npz, Dataset, DatasetLoader};
use mnist_logreg::FileError;
use std::io::Cursor;

fn read(path: &str) -> Vec<u8> {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Loads `bytes` in steps of `budget` bytes, checking the fraction read only ever grows; the data set and
/// the number of steps taken.
fn load_in_steps(bytes: &[u8], budget: usize) -> Result<(Dataset, usize), FileError> {
    let mut loader = DatasetLoader::open(Cursor::new(bytes))?;
    let (mut steps, mut fraction) = (0, loader.fraction());
    assert_eq!(fraction, 0.0);
    while !loader.step(budget)? {
        steps += 1;
        assert!(loader.fraction() >= fraction && loader.fraction() <= 1.0, "{fraction} then {}", loader.fraction());
        fraction = loader.fraction();
    }
    assert_eq!(loader.fraction(), 1.0);
    Ok((loader.into_dataset()?, steps + 1))
}

fn assert_same(a: &Dataset, b: &Dataset) {
    for (x, y) in [(&a.train, &b.train), (&a.test, &b.test)] {
        assert_eq!(x.labels, y.labels);
        assert_eq!(x.sparse, y.sparse);
        assert_eq!(x.features, y.features);
    }
    assert_eq!((a.features, a.image_shape, &a.notices), (b.features, b.image_shape, &b.notices));
}

#[test]
fn every_accepted_file_loads_the_same_in_small_steps() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/loader");
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("ok_"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let bytes = read(&format!("tests/fixtures/loader/{name}"));
        let at_once = load_npz(&bytes).unwrap();
        for budget in [1, 1000] {
            let (in_steps, steps) = load_in_steps(&bytes, budget).unwrap();
            assert_same(&at_once, &in_steps);
            // A step reads at least one chunk (64 KB), and each array takes one at least.
            assert!(budget > 1 || steps >= 4, "{name}: {steps} steps of {budget} bytes");
        }
    }
}

#[test]
fn the_bundled_data_set_loads_the_same_in_steps_of_a_chunk() {
    let bytes = common::bundled_bytes();
    let (in_steps, steps) = load_in_steps(&bytes, 64 * 1024).unwrap();
    assert_same(&load_npz(&bytes).unwrap(), &in_steps);
    // 10,000 images of 784 bytes and their labels, 64 KB a step.
    assert!((100..=140).contains(&steps), "{steps} steps");
}

#[test]
fn a_refusal_comes_from_the_step_that_meets_it_and_the_loader_stays_refused() {
    let bytes = read("tests/fixtures/loader/bad_nan_pixel.npz");
    let mut loader = DatasetLoader::open(Cursor::new(&bytes[..])).expect("the headers are fine");
    let refused = loop {
        match loader.step(100) {
            Ok(done) => assert!(!done, "a NaN pixel must not load"),
            Err(refused) => break refused,
        }
    };
    assert!(matches!(refused, FileError::NonFinitePixel { name: "X_train", sample: 3, pixel: 117, .. }), "{refused:?}");
    assert!(loader.step(100).is_err(), "a refused loader does not go on");
}

#[test]
fn what_the_headers_refuse_is_refused_before_any_values_are_read() {
    for name in ["bad_feature_mismatch", "bad_huge_declared_shape", "bad_missing_y_test", "bad_object_array"] {
        let bytes = read(&format!("tests/fixtures/loader/{name}.npz"));
        // The archive's directory is read when the loader opens, a header a step after that.
        let mut loader = DatasetLoader::open(Cursor::new(&bytes[..])).expect(name);
        let refused = (0..4).find_map(|_| loader.step(1).err());
        assert!(refused.is_some() && loader.fraction() == 0.0, "{name}: refused by the headers alone");
    }
    let label = read("tests/fixtures/loader/bad_label_10.npz");
    let mut loader = DatasetLoader::open(Cursor::new(&label[..])).unwrap();
    assert!((0..4).all(|_| loader.step(1).is_ok()), "a label of 10 shows only in the values");
    assert!(loader.step(usize::MAX).is_err());
}

#[test]
fn a_damaged_value_is_caught_by_the_archive_checksum() {
    // Uncompressed, so a changed byte of pixel data still reads as a valid float: only the CRC can tell.
    let mut bytes = read("tests/fixtures/loader/ok_uncompressed_float32_2d.npz");
    let header_end = bytes.windows(3).position(|w| w == b"}  ").expect("the first .npy header");
    let pixel = header_end + 400;
    bytes[pixel] ^= 0x01;
    let refused = load_npz(&bytes).unwrap_err();
    assert!(
        matches!(&refused, FileError::Corrupt { name: "X_train", reason } if reason.contains("checksum")),
        "{refused:?}"
    );
}
