//! Saved models: numpy's files load, ours round-trip, bad ones are refused with a reason.

use mnist_logreg::train::saved::{export_npz, import_npz};
use mnist_logreg::{load_npz, FileError, Schedule, SoftmaxMode, TrainConfig, Trainer};
use ndarray::{Array0, Array2};
use ndarray_npy::NpzReader;
use std::io::Cursor;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn trained() -> Trainer {
    let data = load_npz(&fixture("../../data/mini_mnist.npz")).unwrap();
    let mut trainer = Trainer::new(data, TrainConfig { epochs: 2, seed: 4, ..TrainConfig::default() }).unwrap();
    trainer.step(usize::MAX);
    trainer
}

#[test]
fn an_exported_model_is_a_plain_npz_with_a_and_the_settings() {
    let trainer = trained();
    let bytes = export_npz(trainer.model(), trainer.config(), Some(0.875));
    let mut npz = NpzReader::new(Cursor::new(bytes)).unwrap();
    let mut names = npz.names().unwrap();
    names.sort();
    assert_eq!(
        names,
        [
            "A",
            "batch_size",
            "epochs",
            "learning_rate",
            "schedule_cosine",
            "seed",
            "softmax_batch",
            "test_accuracy",
            "weight_decay"
        ]
    );
    let weights: Array2<f32> = npz.by_name("A").unwrap();
    assert_eq!(weights, trainer.model().weights());
    let epochs: Array0<i64> = npz.by_name("epochs").unwrap();
    let learning_rate: Array0<f64> = npz.by_name("learning_rate").unwrap();
    assert_eq!((epochs.into_scalar(), learning_rate.into_scalar() as f32), (2, 0.1));
}

#[test]
fn an_exported_model_comes_back_identical() {
    let trainer = trained();
    let bytes = export_npz(trainer.model(), trainer.config(), Some(0.875));
    let saved = import_npz(&bytes, 784).unwrap();
    assert_eq!(saved.model, *trainer.model());
    assert_eq!(saved.config, Some(*trainer.config()));
    assert_eq!(saved.test_accuracy, Some(0.875));
    let pixels = trainer.data().test.pixels(3);
    assert_eq!(saved.model.predict(&pixels), trainer.model().predict(&pixels));
}

#[test]
fn a_model_written_by_numpy_loads() {
    let saved = import_npz(&fixture("model_from_numpy.npz"), 784).unwrap();
    let weights = saved.model.weights();
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
    let refused = import_npz(&fixture("../../data/mini_mnist.npz"), 784).unwrap_err();
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
    };
    let defaults = serde_json::to_value(TrainConfig::default()).unwrap();
    let changed = serde_json::to_value(config).unwrap();
    for (name, value) in defaults.as_object().unwrap() {
        assert_ne!(&changed[name], value, "{name} is set away from its default");
    }
    let model = trained().model().clone();
    let saved = import_npz(&export_npz(&model, &config, None), 784).unwrap();
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
    trainer.restart_with_model(saved.model.clone(), saved.config).unwrap();
    assert_eq!(trainer.model(), &saved.model);
    assert_eq!(Some(*trainer.config()), saved.config, "the file's settings, not the run's");
    let again = import_npz(&export_npz(trainer.model(), trainer.config(), None), 784).unwrap();
    assert_eq!(again.config, saved.config);
    assert_eq!(trainer.progress().total_batches, 0, "a loaded model starts a fresh run");
}
