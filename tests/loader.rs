//! The loader accepts numpy's variants and refuses every bad file with a message naming the problem.

mod common;

use mnist_logreg::data::{load_npz, Dataset};
use mnist_logreg::FileError;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/loader/{name}.npz", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Dataset {
    load_npz(&fixture(name)).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn refusal(name: &str) -> FileError {
    match load_npz(&fixture(name)) {
        Ok(_) => panic!("{name} should be refused"),
        Err(e) => e,
    }
}

/// The fixture is refused with an error that matches the pattern (the variant and what it names).
macro_rules! assert_refused {
    ($name:literal, $pattern:pat $(if $guard:expr)?) => {
        let refused = refusal($name);
        assert!(matches!(&refused, $pattern $(if $guard)?), "{}: {refused:?}", $name);
    };
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
    let bytes = common::bundled_bytes();
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
    assert_refused!("bad_not_a_zip", FileError::NotAnArchive(_));
    assert_refused!("bad_truncated", FileError::NotAnArchive(_));
}

#[test]
fn refuses_a_missing_array() {
    assert_refused!("bad_missing_y_test", FileError::MissingArray { name: "y_test", .. });
}

#[test]
fn refuses_images_of_the_wrong_rank() {
    assert_refused!("bad_rank_1d_images", FileError::WrongShape { name: "X_train", shape, .. } if shape == "(20,)");
    assert_refused!("bad_rank_4d_images", FileError::WrongShape { name: "X_train", shape, .. } if shape == "(20, 1, 28, 28)");
}

#[test]
fn refuses_train_and_test_of_different_image_sizes() {
    assert_refused!("bad_feature_mismatch", FileError::FeatureMismatch { train: 784, test: 729 });
}

#[test]
fn refuses_images_and_labels_of_different_lengths() {
    assert_refused!(
        "bad_length_mismatch",
        FileError::LengthMismatch { x: "X_train", x_len: 20, y: "y_train", y_len: 19 }
    );
}

#[test]
fn refuses_an_empty_set() {
    assert_refused!("bad_empty_train", FileError::Empty("X_train"));
}

#[test]
fn refuses_labels_outside_0_to_9() {
    assert_refused!("bad_label_10", FileError::LabelOutOfRange { name: "y_test", value, index: 9 } if value == "10");
    assert_refused!("bad_label_negative", FileError::LabelOutOfRange { name: "y_train", value, index: 0 } if value == "-1");
}

#[test]
fn refuses_nan_and_infinite_pixels() {
    assert_refused!("bad_nan_pixel", FileError::NonFinitePixel { name: "X_train", value, sample: 3, pixel: 117 } if value == "NaN");
    assert_refused!("bad_inf_pixel", FileError::NonFinitePixel { name: "X_test", value, sample: 1, pixel: 0 } if value == "inf");
}

#[test]
fn refuses_integer_pixels_beyond_255() {
    assert_refused!("bad_int_pixel_out_of_range", FileError::PixelOutOfRange { name: "X_train", value, .. } if value == "280");
}

#[test]
fn refuses_non_numeric_dtypes() {
    assert_refused!("bad_string_dtype", FileError::UnsupportedDtype { name: "X_train", dtype, .. } if dtype == "<U1");
    assert_refused!("bad_complex_dtype", FileError::UnsupportedDtype { name: "X_test", dtype, .. } if dtype == "<c8");
    assert_refused!("bad_bool_pixels", FileError::UnsupportedDtype { name: "X_train", dtype, .. } if dtype == "|b1");
    assert_refused!("bad_float16_pixels", FileError::UnsupportedDtype { name: "X_train", dtype, .. } if dtype == "<f2");
    assert_refused!("bad_float_labels", FileError::UnsupportedDtype { name: "y_train", dtype, .. } if dtype == "<f4");
    assert_refused!("bad_structured_dtype", FileError::UnsupportedDtype { name: "y_test", .. });
}

#[test]
fn refuses_object_arrays_without_unpickling() {
    assert_refused!("bad_object_array", FileError::UnsupportedDtype { name: "y_test", dtype, .. } if dtype == "|O");
}

#[test]
fn refuses_a_declared_shape_beyond_the_limit_before_allocating() {
    assert_refused!("bad_huge_declared_shape", FileError::TooLarge { name: "X_train", detail, .. } if detail.contains("(1000000, 1000000)"));
    assert_refused!("bad_overflowing_shape", FileError::TooLarge { name: "X_train", detail, .. } if detail.contains("more than 2^64"));
    assert_refused!("bad_too_many_pixels", FileError::TooLarge { name: "X_train", detail, .. } if detail.contains("70000000 values"));
}

#[test]
fn refuses_a_header_that_claims_gigabytes() {
    assert_refused!("bad_huge_header", FileError::BadArray { name: "X_train", reason } if reason.contains("4294967295 bytes"));
}

#[test]
fn stops_decompressing_at_the_size_the_header_announced() {
    assert_refused!("bad_more_data_than_shape", FileError::Corrupt { name: "X_train", reason } if reason.contains("needs 15808 bytes but the archive holds more"));
    assert_refused!("bad_less_data_than_shape", FileError::Corrupt { name: "X_train", reason } if reason.contains("holds 14128"));
}

#[test]
fn refuses_an_entry_that_is_not_npy() {
    assert_refused!("bad_not_npy", FileError::BadArray { name: "y_train", reason } if reason.contains("magic"));
}

#[test]
fn every_refusal_names_its_array_in_words() {
    for (name, array) in
        [("bad_nan_pixel", "X_train holds NaN at sample 3, pixel 117"), ("bad_missing_y_test", "y_test is missing")]
    {
        let message = refusal(name).to_string();
        assert!(message.contains(array), "{name}: {message}");
    }
}

#[test]
fn refuses_every_prefix_of_a_valid_file_without_panicking() {
    let bytes = fixture("ok_small_images");
    for cut in (0..bytes.len()).step_by(97) {
        assert!(load_npz(&bytes[..cut]).is_err(), "a file cut at {cut} bytes must be refused");
    }
}
