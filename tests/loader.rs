//! The loader accepts numpy's variants and refuses every bad file with a message naming the problem.

use mnist_logreg::data::{load_npz, Dataset, MAX_PIXELS};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/loader/{name}.npz", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Dataset {
    load_npz(&fixture(name)).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn refusal(name: &str) -> String {
    match load_npz(&fixture(name)) {
        Ok(_) => panic!("{name} should be refused"),
        Err(e) => e.to_string(),
    }
}

fn assert_refused(name: &str, expected: &[&str]) {
    let message = refusal(name);
    for part in expected {
        assert!(message.contains(part), "{name}: message {message:?} lacks {part:?}");
    }
}

/// The fixtures' pixels follow (31·sample + 7·pixel) mod 256, scaled to 0..1.
fn assert_pattern(data: &Dataset) {
    for (split, n) in [(&data.train, 20), (&data.test, 10)] {
        assert_eq!(split.len(), n);
        for sample in 0..n {
            let row = split.row(sample);
            assert_eq!((row.indices[0], row.values[0]), (0, 1.0), "the bias comes first");
            let pixels = split.pixels(sample);
            for pixel in [0, 1, 27, 28, 500, data.features - 1] {
                let grey = ((31 * sample + 7 * pixel) % 256) as f32;
                let value = pixels[pixel];
                assert!((value - grey / 255.0).abs() < 1e-6, "sample {sample} pixel {pixel}: {value}");
            }
            assert_eq!(split.labels[sample] as usize, sample % 10);
        }
    }
}

#[test]
fn accepts_compressed_uint8_images_of_28_by_28() {
    let data = load("ok_uint8_3d");
    assert_eq!((data.features, data.image_shape), (784, Some((28, 28))));
    assert!(data.notices.is_empty());
    assert_pattern(&data);
}

#[test]
fn accepts_uncompressed_float32_rows_as_they_are() {
    let data = load("ok_uncompressed_float32_2d");
    assert_eq!(data.image_shape, Some((28, 28)), "784 features are taken as a 28×28 image");
    assert!(data.notices.is_empty(), "floats within 0..1 are not rescaled");
    assert_pattern(&data);
}

#[test]
fn rescales_float_grey_levels_with_a_notice() {
    let data = load("ok_float64_0_255");
    assert_pattern(&data);
    assert_eq!(data.notices.len(), 2);
    assert!(data.notices[0].contains("X_train") && data.notices[0].contains("divided by 255"));
}

#[test]
fn accepts_big_endian_arrays() {
    assert_pattern(&load("ok_big_endian"));
}

#[test]
fn accepts_fortran_order_with_pixels_in_their_places() {
    assert_pattern(&load("ok_fortran_order"));
}

#[test]
fn accepts_other_integer_label_dtypes_and_ignores_extra_arrays() {
    assert_pattern(&load("ok_int_labels_extra_arrays"));
}

#[test]
fn accepts_images_of_another_size() {
    let data = load("ok_small_images");
    assert_eq!((data.features, data.image_shape), (64, Some((8, 8))));
}

#[test]
fn loads_the_bundled_data_set() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/mini_mnist.npz")).unwrap();
    let data = load_npz(&bytes).unwrap();
    assert_eq!((data.train.len(), data.test.len(), data.features), (8000, 2000, 784));
    let counts = data.train.class_counts();
    assert!(counts.iter().all(|&c| (600..1000).contains(&c)), "every digit is well represented: {counts:?}");
    assert_eq!(counts.iter().sum::<usize>(), 8000);
    let ink: Vec<f32> = (0..data.train.len()).flat_map(|i| data.train.pixels(i)).collect();
    assert!(ink.iter().all(|&p| (0.0..=1.0).contains(&p)));
    assert!(ink.contains(&1.0), "uint8 255 becomes 1.0");
    let stored: usize = (0..data.train.len()).map(|i| data.train.row(i).indices.len()).sum();
    assert!(stored < ink.len() / 3, "only the non-zero pixels are stored: {stored} of {}", ink.len());
}

#[test]
fn refuses_a_file_that_is_not_a_zip() {
    assert_refused("bad_not_a_zip", &["not a valid .npz archive"]);
}

#[test]
fn refuses_a_truncated_file() {
    assert_refused("bad_truncated", &["not a valid .npz archive", "truncated"]);
}

#[test]
fn refuses_a_missing_array() {
    assert_refused("bad_missing_y_test", &["y_test is missing"]);
}

#[test]
fn refuses_images_of_the_wrong_rank() {
    assert_refused("bad_rank_1d_images", &["X_train", "shape (20,)", "2-D", "3-D"]);
    assert_refused("bad_rank_4d_images", &["X_train", "shape (20, 1, 28, 28)"]);
}

#[test]
fn refuses_train_and_test_of_different_image_sizes() {
    assert_refused("bad_feature_mismatch", &["X_train has 784 features", "X_test has 729"]);
}

#[test]
fn refuses_images_and_labels_of_different_lengths() {
    assert_refused("bad_length_mismatch", &["X_train has 20 samples but y_train has 19 labels"]);
}

#[test]
fn refuses_an_empty_set() {
    assert_refused("bad_empty_train", &["X_train is empty"]);
}

#[test]
fn refuses_labels_outside_0_to_9() {
    assert_refused("bad_label_10", &["y_test", "label 10", "index 9", "0 to 9"]);
    assert_refused("bad_label_negative", &["y_train", "label -1", "index 0"]);
}

#[test]
fn refuses_nan_and_infinite_pixels() {
    assert_refused("bad_nan_pixel", &["X_train holds NaN at sample 3, pixel 117", "finite"]);
    assert_refused("bad_inf_pixel", &["X_test holds inf at sample 1, pixel 0"]);
}

#[test]
fn refuses_integer_pixels_beyond_255() {
    assert_refused("bad_int_pixel_out_of_range", &["X_train holds 280", "0..255"]);
}

#[test]
fn refuses_non_numeric_dtypes() {
    assert_refused("bad_string_dtype", &["X_train", "<U1", "integer and float"]);
    assert_refused("bad_complex_dtype", &["X_test", "<c8"]);
    assert_refused("bad_bool_pixels", &["X_train", "|b1", "uint8"]);
    assert_refused("bad_float16_pixels", &["X_train", "float16"]);
    assert_refused("bad_float_labels", &["y_train", "<f4", "labels must be integers"]);
    assert_refused("bad_structured_dtype", &["y_test", "structured"]);
}

#[test]
fn refuses_object_arrays_without_unpickling() {
    assert_refused("bad_object_array", &["y_test", "|O", "unpickling"]);
}

#[test]
fn refuses_a_declared_shape_beyond_the_limit_before_allocating() {
    assert_refused("bad_huge_declared_shape", &["X_train is too large", "(1000000, 1000000)", &MAX_PIXELS.to_string()]);
    assert_refused("bad_overflowing_shape", &["X_train is too large", "more than 2^64"]);
    assert_refused("bad_too_many_pixels", &["X_train is too large", "70000000 values"]);
}

#[test]
fn refuses_a_header_that_claims_gigabytes() {
    assert_refused("bad_huge_header", &["X_train", "header claims 4294967295 bytes"]);
}

#[test]
fn stops_decompressing_at_the_size_the_header_announced() {
    assert_refused("bad_more_data_than_shape", &["X_train", "needs 15808 bytes but the archive holds more"]);
    assert_refused("bad_less_data_than_shape", &["X_train", "needs 15808 bytes but the archive holds 14128"]);
}

#[test]
fn refuses_an_entry_that_is_not_npy() {
    assert_refused("bad_not_npy", &["y_train is not a valid .npy array", "magic"]);
}

#[test]
fn refuses_every_prefix_of_a_valid_file_without_panicking() {
    let bytes = fixture("ok_small_images");
    for cut in (0..bytes.len()).step_by(97) {
        assert!(load_npz(&bytes[..cut]).is_err(), "a file cut at {cut} bytes must be refused");
    }
}
