//! Deskewing and teaching: slanted digits straightened inside the model, and the visitor's corrections learnt
//! at once and kept for later runs.

mod common;

use common::bundled;
use mnist_logreg::{ConfigError, Dataset, InputError, Reading, SoftmaxMode, TrainConfig, Trainer};

#[test]
fn deskewing_is_off_by_default_and_a_deskewing_model_straightens_what_it_reads() {
    assert!(!TrainConfig::default().deskew && TrainConfig::best().deskew);
    let config = TrainConfig { epochs: 2, deskew: true, ..TrainConfig::default() };
    let mut trainer = Trainer::new(bundled(), config).unwrap();
    trainer.step(usize::MAX);
    let model = trainer.reader();
    assert_eq!(model.reading(), Reading::Straightened { side: 28 });
    let pixels = trainer.test_image(5).unwrap();
    let straight = mnist_logreg::digit::deskew(&pixels, 28);
    let same_weights = mnist_logreg::Model::from_weights(model.model().weights().view());
    assert_eq!(model.predict(&pixels).unwrap(), same_weights.predict(&straight).unwrap(), "predict deskews itself");
    assert_eq!(model.input(&pixels).unwrap().as_ref(), &straight[..]);
    // The test results are the deskewed model's, on the deskewed test set.
    let predictions = trainer.test_predictions();
    assert_eq!(usize::from(predictions[5]), model.classify(&pixels).unwrap());
    let right = predictions.iter().zip(&trainer.data().test.labels).filter(|(p, y)| p == y).count();
    assert_eq!(right as f32 / 2000.0, trainer.evaluate().test_accuracy);
    // A restart without it reads the images as they are again.
    trainer.restart(TrainConfig::default()).unwrap();
    assert!(!trainer.reader().reading().straightens());
}

#[test]
fn the_best_preset_with_deskewing_reaches_094() {
    let mut trainer = Trainer::new(bundled(), TrainConfig::best()).unwrap();
    trainer.step(usize::MAX);
    let accuracy = trainer.evaluate().test_accuracy;
    assert!(accuracy >= 0.94, "best preset, deskewed: {accuracy}");
}

#[test]
fn deskewing_needs_square_images() {
    let data = Dataset::from_parts(&[0.5; 30], vec![1, 2, 3], &[0.5; 10], vec![4], 10);
    let refused = Trainer::new(data, TrainConfig { batch_size: 1, deskew: true, ..TrainConfig::default() });
    assert_eq!(refused.err(), Some(ConfigError::DeskewNeedsSquareImages { features: 10 }));
}

/// A model trained with the best settings (fewer epochs), and the first test digits it misreads.
fn misread(count: usize) -> (Trainer, Vec<(Vec<f32>, u8)>) {
    let mut trainer = Trainer::new(bundled(), TrainConfig { epochs: 10, ..TrainConfig::best() }).unwrap();
    trainer.step(usize::MAX);
    let test = &trainer.data().test;
    let wrong = (0..test.len())
        .map(|i| (test.pixels(i), test.labels[i]))
        .filter(|(pixels, label)| trainer.reader().classify(pixels).unwrap() != usize::from(*label))
        .take(count)
        .collect();
    (trainer, wrong)
}

#[test]
fn a_taught_drawing_is_read_right_at_once_without_undoing_earlier_ones() {
    let (mut trainer, wrong) = misread(5);
    let before = trainer.evaluate().test_accuracy;
    for (n, (pixels, label)) in wrong.iter().enumerate() {
        let lesson = trainer.teach(pixels, *label).unwrap();
        assert!(lesson.learned && lesson.steps >= 1, "{lesson:?}");
        assert_eq!(trainer.reader().classify(pixels).unwrap(), usize::from(*label));
        assert_eq!(lesson.corrections_read_right, n + 1, "the earlier corrections are still read right");
    }
    assert_eq!(trainer.corrections().len(), 5);
    let after = trainer.evaluate().test_accuracy;
    assert!(after >= before - 0.02, "five lessons cost {before} → {after}");
}

#[test]
fn refused_lessons_change_nothing() {
    let (mut trainer, wrong) = misread(1);
    let weights = trainer.reader().model().weights();
    let (pixels, _) = &wrong[0];
    let mut with_nan = pixels.clone();
    with_nan[100] = f32::NAN;
    assert!(matches!(trainer.teach(&pixels[..10], 3), Err(InputError::WrongPixelCount { expected: 784, got: 10 })));
    assert!(matches!(trainer.teach(&with_nan, 3), Err(InputError::NonFinitePixel { index: 100, .. })));
    assert!(matches!(trainer.teach(pixels, 10), Err(InputError::Label(_))));
    assert_eq!(trainer.reader().model().weights(), weights);
    assert!(trainer.corrections().is_empty());
    assert!(matches!(trainer.remove_correction(0), Err(InputError::NoSuchCorrection { index: 0, count: 0 })));
}

#[test]
fn the_next_run_trains_on_the_corrections_and_a_removed_one_is_left_out() {
    let (mut trainer, wrong) = misread(3);
    for (pixels, label) in &wrong {
        trainer.teach(pixels, *label).unwrap();
    }
    let config = TrainConfig { batch_size: 1, epochs: 1, ..TrainConfig::best() };
    trainer.restart(config).unwrap();
    assert_eq!(trainer.batches_per_epoch(), 8003, "8,000 samples and 3 corrections");
    trainer.remove_correction(1).unwrap();
    assert_eq!(trainer.corrections().len(), 2);
    assert_eq!(trainer.batches_per_epoch(), 8003, "the run under way keeps its samples");
    trainer.restart(config).unwrap();
    assert_eq!(trainer.batches_per_epoch(), 8002);
    trainer.step(usize::MAX);
    assert!(trainer.is_done());
}

#[test]
fn a_twin_shares_the_data_and_the_corrections_and_trains_on_the_same_batches() {
    let config = TrainConfig { epochs: 2, ..TrainConfig::best() };
    let mut trainer = Trainer::new(bundled(), config).unwrap();
    let drawings: Vec<Vec<f32>> = (0..2).map(|i| trainer.test_image(i).unwrap()).collect();
    for (pixels, label) in drawings.iter().zip([3, 5]) {
        trainer.teach(pixels, label).unwrap();
    }
    trainer.restart(config).unwrap();
    let mut same = trainer.twin(config).unwrap();
    let mut other = trainer.twin(TrainConfig { softmax: SoftmaxMode::Batch, ..config }).unwrap();
    assert_eq!(same.corrections(), trainer.corrections());
    assert_eq!(other.reader().reading(), Reading::Straightened { side: 28 }, "no second straightening asked");
    assert!(other.straightened_fraction() == 1.0);
    for run in [&mut trainer, &mut same, &mut other] {
        run.step(usize::MAX);
    }
    // Same settings, same batches: the same weights, bit for bit.
    assert_eq!(same.reader(), trainer.reader());
    assert_eq!(other.progress().total_batches, trainer.progress().total_batches);
    assert_ne!(other.reader(), trainer.reader(), "the other softmax learns other weights");
    // Refused settings make no twin.
    let refused = trainer.twin(TrainConfig { batch_size: 0, ..config });
    assert!(matches!(refused, Err(ConfigError::ZeroBatch)));
}
