//! The trainer against the numpy seed code, and its accuracy on the bundled real digits.

mod common;

use common::bundled;
use mnist_logreg::{ConfigError, Dataset, InputError, Schedule, SoftmaxMode, TrainConfig, Trainer};
use ndarray::{Array1, Array2, Ix1};
use ndarray_npy::NpzReader;
use std::fs::File;

struct Fixture {
    data: Dataset,
    orders: Vec<Vec<u32>>,
    learning_rate: f32,
    batch_size: usize,
    epochs: usize,
    npz: NpzReader<File>,
}

fn parity_fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/numpy_parity.npz");
    let mut npz = NpzReader::new(File::open(path).unwrap()).unwrap();
    let pixels: Array2<u8> = npz.by_name("X").unwrap();
    let labels: Array1<u8> = npz.by_name("y").unwrap();
    let permutations: Array2<u32> = npz.by_name("permutations").unwrap();
    let settings: Array1<f64> = npz.by_name("settings").unwrap();
    let scaled: Vec<f32> = pixels.iter().map(|&p| f32::from(p) / 255.0).collect();
    let labels = labels.to_vec();
    // The fixture has no test set of its own; the trainer only needs one for evaluation.
    let data = Dataset::from_parts(&scaled, labels.clone(), &scaled, labels, pixels.ncols());
    Fixture {
        data,
        orders: permutations.rows().into_iter().map(|r| r.to_vec()).collect(),
        learning_rate: settings[0] as f32,
        batch_size: settings[1] as usize,
        epochs: settings[2] as usize,
        npz,
    }
}

fn check_parity(mode: &str) {
    let mut fixture = parity_fixture();
    let expected_weights: Array2<f32> = fixture.npz.by_name(&format!("weights_{mode}")).unwrap();
    let expected_losses = fixture.npz.by_name::<ndarray::OwnedRepr<f32>, Ix1>(&format!("losses_{mode}")).unwrap();
    let config = TrainConfig {
        learning_rate: fixture.learning_rate,
        batch_size: fixture.batch_size,
        epochs: fixture.epochs,
        seed: 0,
        softmax: mode.parse().unwrap(),
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::with_orders(fixture.data, config, fixture.orders).unwrap();
    let mut losses = Vec::new();
    while !trainer.is_done() {
        losses.push(trainer.step(1).loss);
    }
    assert_eq!(losses.len(), expected_losses.len(), "same number of SGD steps");
    for (step, (got, want)) in losses.iter().zip(expected_losses.iter()).enumerate() {
        assert!((got - want).abs() <= 1e-4 * want.abs().max(1.0), "{mode} step {step}: loss {got} vs numpy {want}");
    }
    let weights = trainer.reader().model().weights();
    assert_eq!(weights.dim(), expected_weights.dim());
    let worst = weights.iter().zip(expected_weights.iter()).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst <= 1e-4, "{mode}: weights differ from numpy by up to {worst}");
    assert!(expected_weights.iter().any(|w| w.abs() > 1e-2), "the fixture really moved the weights");
}

#[test]
fn row_softmax_matches_numpy_step_for_step() {
    check_parity("row");
}

#[test]
fn batch_softmax_reproduces_the_seed_bug_step_for_step() {
    check_parity("batch");
}

#[test]
fn step_is_resumable_and_drops_the_partial_batch() {
    let data = bundled();
    let config = TrainConfig { epochs: 2, batch_size: 300, ..TrainConfig::default() };
    let mut chunked = Trainer::new(data.clone(), config).unwrap();
    assert_eq!(chunked.batches_per_epoch(), 26, "8000 / 300 = 26 full batches, 200 samples dropped");
    let first = chunked.step(5);
    assert_eq!((first.epoch, first.batch, first.total_batches, first.done), (0, 5, 5, false));
    let crossing = chunked.step(25);
    assert_eq!((crossing.epoch, crossing.batch, crossing.epoch_ended), (1, 4, true));
    let last = chunked.step(1000);
    assert_eq!((last.epoch, last.batch, last.total_batches, last.done), (2, 0, 52, true));
    assert_eq!(chunked.step(10).total_batches, 52, "a finished run does nothing more");

    // Chunking does not change the result: the same seed in one go gives the same weights.
    let mut whole = Trainer::new(data, config).unwrap();
    whole.step(usize::MAX);
    assert_eq!(whole.reader().model().weights(), chunked.reader().model().weights());
}

#[test]
fn the_seed_shuffles_differently_per_seed() {
    let data = bundled();
    let run = |seed| {
        let mut t = Trainer::new(data.clone(), TrainConfig { epochs: 1, seed, ..TrainConfig::default() }).unwrap();
        t.step(3);
        t.reader().model().weights()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn refuses_settings_that_cannot_train() {
    let data = bundled();
    let with = |change: fn(&mut TrainConfig)| {
        let mut config = TrainConfig::default();
        change(&mut config);
        Trainer::new(data.clone(), config).err()
    };
    assert!(matches!(with(|c| c.learning_rate = 0.0), Some(ConfigError::LearningRate(_))));
    assert!(matches!(with(|c| c.learning_rate = f32::NAN), Some(ConfigError::LearningRate(_))));
    assert_eq!(with(|c| c.batch_size = 0), Some(ConfigError::ZeroBatch));
    assert_eq!(with(|c| c.batch_size = 9000), Some(ConfigError::BatchTooLarge { batch: 9000, samples: 8000 }));
    assert_eq!(with(|c| c.epochs = 0), Some(ConfigError::ZeroEpochs));
    assert_eq!(with(|c| c.epochs = 10_001), Some(ConfigError::TooManyEpochs { epochs: 10_001, max: 10_000 }));
    assert_eq!(with(|c| c.seed = (1 << 53) + 1), Some(ConfigError::SeedTooLarge { seed: (1 << 53) + 1, max: 1 << 53 }));
    assert!(matches!(with(|c| c.weight_decay = 2.0), Some(ConfigError::WeightDecay(_))));
    let bad_order = Trainer::with_orders(bundled(), TrainConfig::default(), vec![vec![0; 8000]]);
    assert!(matches!(bad_order.err(), Some(ConfigError::BadOrder { epoch: 0, given: 8000, samples: 8000 })));
}

#[test]
fn option_names_read_back_as_written_and_others_are_refused_by_name() {
    for mode in [SoftmaxMode::Row, SoftmaxMode::Batch] {
        assert_eq!(mode.to_string().parse::<SoftmaxMode>(), Ok(mode));
    }
    for schedule in [Schedule::Constant, Schedule::Cosine] {
        assert_eq!(schedule.to_string().parse::<Schedule>(), Ok(schedule));
    }
    assert_eq!(SoftmaxMode::Batch.to_string(), "batch");
    assert_eq!(Schedule::Cosine.to_string(), "cosine");
    assert_eq!("Row".parse::<SoftmaxMode>(), Err(r#"must be "row" or "batch", not "Row""#.to_string()));
    assert_eq!("linear".parse::<Schedule>(), Err(r#"must be "constant" or "cosine", not "linear""#.to_string()));
}

/// Settings from JSON, as the page's options or a summary would give them.
fn options(json: &str) -> Result<TrainConfig, ConfigError> {
    TrainConfig::from_options(&mut serde_json::Deserializer::from_str(json))
}

#[test]
fn options_fill_in_the_defaults_and_name_what_does_not_fit() {
    assert_eq!(options("{}"), Ok(TrainConfig::default()));
    let config = options(r#"{"learningRate": 0.5, "batchSize": 64.0, "softmax": "batch", "schedule": "cosine"}"#);
    let expected = TrainConfig {
        learning_rate: 0.5,
        batch_size: 64,
        softmax: SoftmaxMode::Batch,
        schedule: Schedule::Cosine,
        ..TrainConfig::default()
    };
    assert_eq!(config, Ok(expected), "3 and 3.0 are the same count");
    let written = serde_json::to_string(&expected).unwrap();
    assert_eq!(options(&written), Ok(expected), "what is written reads back");
    assert!(written.contains(r#""learningRate":0.5"#) && written.contains(r#""weightDecay":0"#), "{written}");
    assert_eq!(serde_json::to_value(TrainConfig::default()).unwrap()["learningRate"], 0.1, "0.1, not 0.10000000149…");

    let problem = |json: &str| match options(json) {
        Err(ConfigError::Options(problem)) => problem,
        other => panic!("{json} should be refused as options, not give {other:?}"),
    };
    let unknown = problem(r#"{"learningrate": 0.5}"#);
    assert!(unknown.contains("learningrate") && unknown.contains("learningRate"), "names both: {unknown}");
    assert!(problem(r#"{"batchSize": 2.5}"#).starts_with("batchSize: must be a whole number"));
    assert!(problem(r#"{"epochs": -1}"#).starts_with("epochs: must be a whole number"));
    assert!(problem(r#"{"seed": 1e300}"#).starts_with("seed: must be a whole number"));
    assert!(problem(r#"{"softmax": "column"}"#).starts_with(r#"softmax: must be "row" or "batch""#));
    assert!(problem(r#"{"learningRate": "fast"}"#).starts_with("learningRate: invalid type"));
}

fn train_bundled(softmax: SoftmaxMode) -> (f32, f32) {
    let mut trainer = Trainer::new(bundled(), TrainConfig { softmax, ..TrainConfig::default() }).unwrap();
    let progress = trainer.step(usize::MAX);
    assert!(progress.done && progress.epoch == 10);
    let eval = trainer.evaluate();
    (eval.test_accuracy, eval.train_accuracy)
}

#[test]
fn seed_settings_reach_the_homeworks_accuracy_on_real_digits() {
    let (test, train) = train_bundled(SoftmaxMode::Row);
    assert!(test >= 0.86, "test accuracy {test}");
    assert!(train >= test - 0.05 && train <= 1.0, "train accuracy {train}");
}

#[test]
fn batch_softmax_is_clearly_worse_like_the_homework() {
    let (test, _) = train_bundled(SoftmaxMode::Batch);
    assert!(test <= 0.80 && test > 0.3, "the bug learns something, badly: {test}");
}

#[test]
fn predictions_are_distributions_and_mostly_right_after_training() {
    let mut trainer = Trainer::new(bundled(), TrainConfig { epochs: 2, ..TrainConfig::default() }).unwrap();
    trainer.step(usize::MAX);
    let mut right = 0;
    for index in 0..100 {
        let probs = trainer.reader().predict(&trainer.test_image(index).unwrap()).unwrap();
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        let guess = probs.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        right += usize::from(guess == trainer.data().test.labels[index] as usize);
    }
    assert!(right >= 80, "{right} of 100 right");
    assert!(matches!(trainer.test_image(2000), Err(InputError::NoSuchTestSample { index: 2000, samples: 2000 })));
}

#[test]
fn evaluation_in_slices_equals_evaluation_in_one_go() {
    let mut trainer = Trainer::new(bundled(), TrainConfig { epochs: 1, ..TrainConfig::default() }).unwrap();
    trainer.step(10);
    let whole = trainer.evaluate();
    let mut pending = trainer.start_evaluation(true);
    trainer.step(5); // training goes on; the snapshot does not move
    let mut calls = 1;
    let sliced = loop {
        match trainer.evaluate_some(&mut pending, 777) {
            Some(evaluation) => break evaluation,
            None => calls += 1,
        }
    };
    assert_eq!(calls, 10_000usize.div_ceil(777));
    assert_eq!(sliced.at_batch, 10);
    assert!((sliced.train_accuracy - whole.train_accuracy).abs() < 1e-6);
    assert!((sliced.test_accuracy - whole.test_accuracy).abs() < 1e-6);
    assert!((sliced.test_loss - whole.test_loss).abs() < 1e-5);
    assert_ne!(trainer.evaluate(), whole, "the model itself moved on");
}

#[test]
fn a_test_only_evaluation_skips_the_training_set() {
    let mut trainer = Trainer::new(bundled(), TrainConfig { epochs: 1, ..TrainConfig::default() }).unwrap();
    trainer.step(10);
    let whole = trainer.evaluate();
    let mut pending = trainer.start_evaluation(false);
    assert!(trainer.evaluate_some(&mut pending, 1999).is_none());
    let test_only = trainer.evaluate_some(&mut pending, 1).expect("2000 test samples are all it scores");
    assert!(test_only.train_accuracy.is_nan());
    assert_eq!((test_only.test_accuracy, test_only.test_loss), (whole.test_accuracy, whole.test_loss));
}

#[test]
fn restart_starts_over_on_the_same_data_and_refuses_bad_settings() {
    let mut trainer = Trainer::new(bundled(), TrainConfig { epochs: 1, ..TrainConfig::default() }).unwrap();
    trainer.step(usize::MAX);
    let trained = trainer.reader().model().weights();
    let refused = trainer.restart(TrainConfig { batch_size: 0, ..TrainConfig::default() });
    assert!(refused.is_err());
    assert_eq!(trainer.reader().model().weights(), trained, "a refused restart keeps the run");
    trainer.restart(TrainConfig { epochs: 2, batch_size: 100, ..TrainConfig::default() }).unwrap();
    assert_eq!(trainer.progress().total_batches, 0);
    assert!(trainer.reader().model().weights().iter().all(|&w| w == 0.0));
    assert_eq!((trainer.batches_per_epoch(), trainer.data().train.len()), (80, 8000));
    let mut fresh =
        Trainer::new(bundled(), TrainConfig { epochs: 2, batch_size: 100, ..TrainConfig::default() }).unwrap();
    trainer.step(usize::MAX);
    fresh.step(usize::MAX);
    assert_eq!(trainer.reader().model().weights(), fresh.reader().model().weights(), "a restart is a fresh run");
}

#[test]
fn an_overflowing_learning_rate_stops_training_and_keeps_the_last_finite_model() {
    let config = TrainConfig { learning_rate: 3e38, epochs: 1, ..TrainConfig::default() };
    let mut trainer = Trainer::new(bundled(), config).unwrap();
    let progress = trainer.step(usize::MAX);
    assert!(progress.diverged && !progress.done, "{progress:?}");
    assert!(trainer.reader().model().weights().iter().all(|w| w.is_finite()), "the kept model is finite");
    let message = trainer.divergence_message().unwrap();
    assert!(message.contains("smaller learning rate") && message.contains("3"), "{message}");
    let probabilities = trainer.reader().predict(&trainer.test_image(0).unwrap()).unwrap();
    assert!(probabilities.iter().all(|p| p.is_finite()), "the kept model still predicts");
    let again = trainer.step(10);
    assert_eq!(again.total_batches, progress.total_batches, "no batch runs after divergence");
    trainer.restart(TrainConfig::default()).unwrap();
    assert!(!trainer.step(1).diverged, "a restart with a sane rate trains again");
}

#[test]
fn the_cosine_schedule_anneals_the_rate_to_zero_and_weight_decay_shrinks_weights() {
    use mnist_logreg::Schedule;
    assert_eq!(Schedule::Cosine.factor(0, 100), 1.0);
    assert!((Schedule::Cosine.factor(50, 100) - 0.5).abs() < 1e-6);
    assert!(Schedule::Cosine.factor(100, 100).abs() < 1e-6);
    assert_eq!(Schedule::Constant.factor(70, 100), 1.0);
    let norm = |weight_decay| {
        let mut t = Trainer::new(bundled(), TrainConfig { weight_decay, epochs: 2, ..TrainConfig::default() }).unwrap();
        t.step(usize::MAX);
        t.reader().model().weights().slice(ndarray::s![.., 1..]).iter().map(|w| w * w).sum::<f32>()
    };
    assert!(norm(0.1) < 0.8 * norm(0.0), "decay pulls the pixel weights towards zero");
}
