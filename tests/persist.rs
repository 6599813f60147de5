//! Saved models: numpy's files load, ours round-trip, bad ones are refused with a reason.

mod common;

use mnist_logreg::train::saved::{export_npz, import_npz};
use mnist_logreg::{FileError, Reader, Reading, Schedule, SoftmaxMode, TrainConfig, Trainer};
use ndarray::{Array0, Array2, Ix0, OwnedRepr};
use ndarray_npy::{NpzReader, NpzWriter};
use std::io::Cursor;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn trained() -> Trainer {
    let data = common::bundled();
    let mut trainer = Trainer::new(data, TrainConfig { epochs: 2, seed: 4, ..TrainConfig::default() }).unwrap();
    trainer.step(usize::MAX);
    trainer
}

#[test]
fn an_exported_model_is_a_plain_npz_with_a_and_the_settings() {
    let trainer = trained();
    let bytes = export_npz(trainer.reader(), trainer.config(), Some(0.875), &[]);
    let mut npz = NpzReader::new(Cursor::new(bytes)).unwrap();
    let mut names = npz.names().unwrap();
    names.sort();
    assert_eq!(
        names,
        [
            "A",
            "batch_size",
            "deskew",
            "epochs",
            "learning_rate",
            "schedule_cosine",
            "seed",
            "softmax_batch",
            "taught_x",
            "taught_y",
            "test_accuracy",
            "weight_decay"
        ]
    );
    let weights: Array2<f32> = npz.by_name("A").unwrap();
    assert_eq!(weights, trainer.reader().model().weights());
    let epochs: Array0<i64> = npz.by_name("epochs").unwrap();
    let learning_rate: Array0<f64> = npz.by_name("learning_rate").unwrap();
    assert_eq!((epochs.into_scalar(), learning_rate.into_scalar() as f32), (2, 0.1));
}

/// A model file for images of `features` pixels, written by ndarray-npy, holding zero weights `A` and the
/// arrays `add` writes.
fn model_file(features: usize, add: impl FnOnce(&mut NpzWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut npz = NpzWriter::new(Cursor::new(Vec::new()));
    npz.add_array("A", &Array2::<f32>::zeros((10, features + 1))).unwrap();
    add(&mut npz);
    npz.finish().unwrap().into_inner()
}

#[test]
fn every_setting_keeps_the_type_numpy_users_read() {
    let trainer = trained();
    let bytes = export_npz(trainer.reader(), trainer.config(), None, &[]);
    let mut npz = NpzReader::new(Cursor::new(bytes)).unwrap();
    // ndarray-npy refuses an array whose dtype is not the one asked for.
    for name in ["learning_rate", "weight_decay", "test_accuracy"] {
        assert!(npz.by_name::<OwnedRepr<f64>, Ix0>(name).is_ok(), "{name} is float64");
    }
    for name in ["batch_size", "epochs", "seed"] {
        assert!(npz.by_name::<OwnedRepr<i64>, Ix0>(name).is_ok(), "{name} is int64");
    }
    for name in ["softmax_batch", "schedule_cosine", "deskew"] {
        assert!(npz.by_name::<OwnedRepr<u8>, Ix0>(name).is_ok(), "{name} is uint8");
    }
    assert!(npz.by_name::<OwnedRepr<f64>, Ix0>("test_accuracy").unwrap().into_scalar().is_nan(), "unknown");
    let learning_rate = npz.by_name::<OwnedRepr<f64>, Ix0>("learning_rate").unwrap().into_scalar();
    assert_eq!(learning_rate, 0.1, "the setting as people write it, not its float32 widened");
}

#[test]
fn a_setting_that_does_not_fit_or_a_short_array_is_refused_naming_the_array() {
    let half = model_file(4, |npz| npz.add_array("batch_size", &ndarray::arr0(2.5f64)).unwrap());
    assert!(matches!(import_npz(&half, 4), Err(FileError::BadArray { name: "batch_size", .. })));
    let negative = model_file(4, |npz| npz.add_array("seed", &ndarray::arr0(-1i64)).unwrap());
    assert!(matches!(import_npz(&negative, 4), Err(FileError::BadArray { name: "seed", .. })));
    // A's header claims one more weight per row than the entry holds.
    let mut bytes = export_npz(trained().reader(), &TrainConfig::default(), None, &[]);
    let at = bytes.windows(9).position(|w| w == b"(10, 785)").unwrap();
    bytes[at..at + 9].copy_from_slice(b"(10, 786)");
    assert!(matches!(import_npz(&bytes, 785), Err(FileError::Corrupt { name: "A", .. })));
}

#[test]
fn an_exported_model_comes_back_identical() {
    let trainer = trained();
    let bytes = export_npz(trainer.reader(), trainer.config(), Some(0.875), &[]);
    let saved = import_npz(&bytes, 784).unwrap();
    assert_eq!(saved.reader, *trainer.reader());
    assert_eq!(saved.config, Some(*trainer.config()));
    assert_eq!(saved.test_accuracy, Some(0.875));
    let pixels = trainer.data().test.pixels(3);
    assert_eq!(saved.reader.predict(&pixels), trainer.reader().predict(&pixels));
}

#[test]
fn a_model_written_by_numpy_loads() {
    let saved = import_npz(&fixture("model_from_numpy.npz"), 784).unwrap();
    let weights = saved.reader.model().weights();
    for (k, j) in [(0, 0), (3, 100), (9, 784)] {
        let expected = ((k * 7 + j * 3) % 11) as f64 / 10.0 - 0.5;
        assert!((f64::from(weights[[k, j]]) - expected).abs() < 1e-6, "A[{k}, {j}]");
    }
    let config = saved.config.unwrap();
    assert_eq!((config.batch_size, config.epochs, config.seed, config.softmax), (64, 3, 9, SoftmaxMode::Batch));
    assert_eq!(saved.test_accuracy, Some(0.5));
}

#[test]
fn a_model_for_other_images_or_no_model_at_all_is_refused() {
    let refused = import_npz(&fixture("model_wrong_shape.npz"), 784).unwrap_err();
    assert!(matches!(&refused, FileError::WrongShape { name: "A", shape, .. } if shape == "(10, 65)"), "{refused:?}");
    assert!(refused.to_string().contains("(10, 785)"), "the message says the shape this data set needs");
    let refused = import_npz(&common::bundled_bytes(), 784).unwrap_err();
    assert!(matches!(refused, FileError::MissingArray { name: "A", .. }), "{refused:?}");
    assert!(matches!(import_npz(b"not a zip", 784), Err(FileError::NotAnArchive(_))));
}

#[test]
fn every_setting_survives_the_round_trip() {
    // Every field away from its default, so a setting the file forgot would come back different.
    let config = TrainConfig {
        learning_rate: 0.25,
        batch_size: 32,
        epochs: 7,
        seed: 11,
        softmax: SoftmaxMode::Batch,
        weight_decay: 0.001,
        schedule: Schedule::Cosine,
        deskew: true,
    };
    let defaults = serde_json::to_value(TrainConfig::default()).unwrap();
    let changed = serde_json::to_value(config).unwrap();
    for (name, value) in defaults.as_object().unwrap() {
        assert_ne!(&changed[name], value, "{name} is set away from its default");
    }
    let reader = Reader::new(trained().reader().model().clone(), Reading::Straightened { side: 28 });
    let saved = import_npz(&export_npz(&reader, &config, None, &[]), 784).unwrap();
    assert_eq!(saved.config, Some(config));
    assert_eq!(saved.test_accuracy, None);
}

#[test]
fn test_predictions_agree_with_the_evaluation() {
    let trainer = trained();
    let predictions = trainer.test_predictions();
    let labels = &trainer.data().test.labels;
    let right = predictions.iter().zip(labels).filter(|(p, y)| p == y).count();
    assert_eq!(right as f32 / labels.len() as f32, trainer.evaluate().test_accuracy);
}

#[test]
fn a_loaded_model_keeps_its_own_settings_when_saved_again() {
    let mut trainer = trained();
    let saved = import_npz(&fixture("model_from_numpy.npz"), 784).unwrap();
    trainer.restart_from(saved.reader.clone(), saved.config).unwrap();
    assert_eq!(trainer.reader(), &saved.reader);
    assert_eq!(Some(*trainer.config()), saved.config, "the file's settings, not the run's");
    let again = import_npz(&export_npz(trainer.reader(), trainer.config(), None, &[]), 784).unwrap();
    assert_eq!(again.config, saved.config);
    assert_eq!(trainer.progress().total_batches, 0, "a loaded model starts a fresh run");
}

#[test]
fn corrections_and_the_deskew_flag_travel_with_the_model() {
    let mut trainer = trained();
    trainer.restart(TrainConfig { epochs: 1, deskew: true, ..TrainConfig::default() }).unwrap();
    trainer.step(usize::MAX);
    let (first, second) = (trainer.test_image(0).unwrap(), trainer.test_image(1).unwrap());
    trainer.teach(&first, 3).unwrap();
    trainer.teach(&second, 8).unwrap();
    let bytes = export_npz(trainer.reader(), trainer.config(), None, trainer.corrections());
    let mut npz = NpzReader::new(Cursor::new(bytes.clone())).unwrap();
    let taught_x: Array2<u8> = npz.by_name("taught_x").unwrap();
    let taught_y: ndarray::Array1<u8> = npz.by_name("taught_y").unwrap();
    assert_eq!((taught_x.dim(), taught_y.to_vec()), ((2, 784), vec![3, 8]));
    assert_eq!(npz.by_name::<ndarray::OwnedRepr<u8>, ndarray::Ix0>("deskew").unwrap().into_scalar(), 1);

    let saved = import_npz(&bytes, 784).unwrap();
    assert!(saved.reader.reading().straightens() && saved.config.unwrap().deskew);
    assert_eq!(saved.reader, *trainer.reader());
    let labels: Vec<u8> = saved.corrections.iter().map(|c| c.label).collect();
    assert_eq!(labels, [3, 8]);
    let worst = saved.corrections[0].pixels.iter().zip(&first).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst <= 0.5 / 255.0 + 1e-6, "grey levels round to 1/255: {worst}");
}

#[test]
fn files_without_the_new_arrays_load_as_before_and_bad_corrections_are_refused() {
    let saved = import_npz(&fixture("model_from_numpy.npz"), 784).unwrap();
    assert!(!saved.reader.reading().straightens() && saved.corrections.is_empty());
    assert!(!saved.config.unwrap().deskew);

    let deskewing = model_file(5, |npz| npz.add_array("deskew", &ndarray::arr0(1u8)).unwrap());
    assert!(
        matches!(import_npz(&deskewing, 5), Err(FileError::BadArray { name: "deskew", .. })),
        "5 pixels are no square"
    );
    let deskewing = model_file(4, |npz| npz.add_array("deskew", &ndarray::arr0(1u8)).unwrap());
    assert!(import_npz(&deskewing, 4).unwrap().reader.reading().straightens(), "2×2 images are");

    let with = |x: Array2<u8>, y: Vec<u8>| {
        import_npz(
            &model_file(4, |npz| {
                npz.add_array("taught_x", &x).unwrap();
                npz.add_array("taught_y", &ndarray::Array1::from(y)).unwrap();
            }),
            4,
        )
    };
    assert_eq!(with(Array2::from_elem((2, 4), 255), vec![1, 2]).unwrap().corrections[1].pixels, [1.0; 4]);
    assert!(matches!(with(Array2::zeros((2, 5)), vec![1, 2]), Err(FileError::WrongShape { name: "taught_x", .. })));
    assert!(matches!(with(Array2::zeros((2, 4)), vec![1]), Err(FileError::WrongShape { name: "taught_y", .. })));
    assert!(matches!(
        with(Array2::zeros((1, 4)), vec![12]),
        Err(FileError::LabelOutOfRange { name: "taught_y", index: 0, .. })
    ));
    let half = model_file(4, |npz| npz.add_array("taught_x", &Array2::<u8>::zeros((1, 4))).unwrap());
    assert!(matches!(import_npz(&half, 4), Err(FileError::MissingArray { name: "taught_y", .. })));
}
