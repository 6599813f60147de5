//! The facade natively: the same methods the JS API calls once its arguments are converted.

use super::*;
use crate::error::{ConfigError, FileError, InputError};

const BUNDLED: &[u8] = include_bytes!("../../data/mini_mnist.npz");

fn trainer(config: TrainConfig) -> WebTrainer {
    WebTrainer::from_npz(BUNDLED, config).unwrap()
}

#[test]
fn step_until_trains_until_the_clock_passes_the_deadline() {
    let mut web = trainer(TrainConfig { epochs: 2, ..TrainConfig::default() });
    // A clock that advances one millisecond per reading: the fifth batch reads 5.
    let mut time = 0.0;
    let report = web.step_until(5.0, false, || {
        time += 1.0;
        time
    });
    assert_eq!((report.batch_losses.len(), report.progress.total_batches), (5, 5));
    // A deadline already past still runs one batch, so every call makes progress.
    let report = web.step_until(-1.0, false, || 0.0);
    assert_eq!(report.progress.total_batches, 6);
}

#[test]
fn step_until_can_stop_at_the_end_of_an_epoch() {
    let mut web = trainer(TrainConfig { epochs: 2, ..TrainConfig::default() });
    let report = web.step_until(f64::INFINITY, true, || 0.0);
    assert_eq!((report.progress.epoch, report.progress.batch, report.progress.epoch_ended), (1, 0, true));
    assert_eq!(report.batch_losses.len(), 31, "8000 / 256 batches, one epoch");
    let rest = web.step_until(f64::INFINITY, false, || 0.0);
    assert!(rest.progress.done && rest.batch_losses.len() == 31, "without the stop it runs to the end");
}

#[test]
fn a_clock_that_stands_still_cannot_make_a_call_run_for_ever() {
    let mut web = trainer(TrainConfig { epochs: 1000, ..TrainConfig::default() });
    let report = web.step_until(1.0, false, || 0.0);
    assert_eq!(report.batch_losses.len(), MAX_BATCHES_PER_CALL);
}

#[test]
fn an_evaluation_in_slices_takes_a_snapshot_and_then_a_new_one() {
    let mut web = trainer(TrainConfig { epochs: 1, ..TrainConfig::default() });
    web.inner.step(3);
    assert_eq!(web.evaluate_step(1500, false), None);
    web.inner.step(2); // the snapshot does not move
    let first = web.evaluate_step(1500, false).expect("2000 test samples in two slices");
    assert_eq!(first.at_batch, 3);
    assert!(first.train_accuracy.is_nan());
    let second = web.evaluate_step(usize::MAX, true).expect("one slice for all");
    assert_eq!(second.at_batch, 5);
    assert!(second.train_accuracy > 0.5);
    web.evaluate_step(1, false);
    web.restart(TrainConfig::default()).unwrap();
    assert_eq!(web.evaluate_step(usize::MAX, false).unwrap().at_batch, 0, "a restart drops the old snapshot");
}

#[test]
fn refusals_keep_their_kind_and_leave_the_run_as_it_was() {
    assert!(matches!(
        WebTrainer::from_npz(&BUNDLED[..1000], TrainConfig::default()),
        Err(Error::File(FileError::NotAnArchive(_)))
    ));
    let refused = WebTrainer::from_npz(BUNDLED, TrainConfig { batch_size: 9000, ..TrainConfig::default() });
    assert!(matches!(refused, Err(Error::Config(ConfigError::BatchTooLarge { batch: 9000, samples: 8000 }))));

    let mut web = trainer(TrainConfig { epochs: 1, ..TrainConfig::default() });
    web.inner.step(usize::MAX);
    let weights = web.weights();
    let refused = web.restart(TrainConfig { batch_size: 0, ..TrainConfig::default() });
    assert_eq!(refused.unwrap_err().kind(), "ConfigError");
    assert_eq!(web.weights(), weights, "a refused restart keeps the trained run");
    assert!(matches!(
        web.predict(&[0.5; 10]),
        Err(Error::Input(InputError::WrongPixelCount { expected: 784, got: 10 }))
    ));
    let mut with_nan = vec![0.0; 784];
    with_nan[7] = f32::NAN;
    assert!(matches!(web.predict(&with_nan), Err(Error::Input(InputError::NonFinitePixel { index: 7, .. }))));
    assert!(matches!(
        web.test_image(2000),
        Err(Error::Input(InputError::NoSuchTestSample { index: 2000, samples: 2000 }))
    ));
    assert!(matches!(web.import_npz(BUNDLED), Err(Error::File(FileError::MissingArray { name: "A", .. }))));
    assert_eq!(web.weights(), weights, "a refused model file keeps the model");
    assert!(matches!(preprocess_digit(&[0; 10], 5, 5), Err(Error::Drawing(_))));
}

#[test]
fn a_saved_model_comes_back_with_its_settings_and_a_file_says_what_it_is() {
    let config = TrainConfig { epochs: 1, seed: 9, ..TrainConfig::best() };
    let mut web = trainer(config);
    web.inner.step(usize::MAX);
    let npz = web.export_npz(Some(0.9));
    assert_eq!(
        (file_kind(&npz), file_kind(BUNDLED), file_kind(b"not a zip")),
        ("model".into(), "dataset".into(), "unknown".into())
    );

    let mut other = trainer(TrainConfig::default());
    let saved = other.import_npz(&npz).unwrap();
    assert_eq!((saved.config, saved.test_accuracy), (Some(config), Some(0.9)));
    assert_eq!(other.trainer().config(), &config, "the run takes the file's settings");
    assert_eq!(other.weights(), web.weights());
    assert_eq!(other.trainer().progress().total_batches, 0, "nothing trained since the import");
    let json = serde_json::to_value(&saved).unwrap();
    assert_eq!(json["config"]["learningRate"], 0.5);
    assert!(json.get("model").is_none(), "the weights stay in the core");
}

#[test]
fn a_step_report_is_one_flat_object_with_every_batch() {
    let mut web = trainer(TrainConfig { learning_rate: 3e38, epochs: 1, ..TrainConfig::default() });
    let report = web.inner.step_reported(100, |_| false);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["diverged"], true);
    assert!(json["divergence"].as_str().unwrap().contains("try a smaller learning rate"));
    assert_eq!(json["batchLosses"].as_array().unwrap().len(), report.progress.total_batches);
    assert!(json["batchesPerEpoch"].is_number() && json.get("progress").is_none());
}

#[test]
fn a_label_from_javascript_must_be_a_whole_digit() {
    let mut web = trainer(TrainConfig { epochs: 1, ..TrainConfig::default() });
    let pixels = web.test_image(0).unwrap();
    for label in [2.5, -1.0, 10.0, f64::NAN] {
        assert!(matches!(web.teach(&pixels, label), Err(Error::Input(InputError::Label(_)))), "{label}");
    }
    assert!(web.correction_labels().is_empty(), "a refused lesson keeps nothing");
    assert!(web.teach(&pixels, 7.0).is_ok());
    assert_eq!(web.correction_labels(), [7]);
    assert_eq!(web.correction_image(0).unwrap(), pixels);
    assert!(matches!(web.correction_image(1), Err(Error::Input(InputError::NoSuchCorrection { index: 1, count: 1 }))));
}

#[test]
fn corrections_and_deskewing_come_back_with_an_imported_model() {
    let mut web = trainer(TrainConfig { epochs: 1, deskew: true, ..TrainConfig::default() });
    web.inner.step(usize::MAX);
    let pixels = web.test_image(3).unwrap();
    assert_ne!(web.model_input(&pixels).unwrap(), pixels, "a deskewing model reads the straightened image");
    web.teach(&pixels, 4.0).unwrap();
    let npz = web.export_npz(None);

    let mut other = trainer(TrainConfig::default());
    assert_eq!(other.model_input(&pixels).unwrap(), pixels, "a model that does not deskew reads it as it is");
    other.import_npz(&npz).unwrap();
    assert!(other.trainer().reader().reading().straightens() && other.trainer().config().deskew);
    assert_eq!(other.correction_labels(), [4]);
    other.remove_correction(0).unwrap();
    other.teach(&pixels, 4.0).unwrap();
    other.clear_corrections();
    assert!(other.correction_labels().is_empty());
}

/// Loads `bytes` with a clock that is always out of time (one piece of work per call); the run and the
/// progress reported after each call.
fn load_in_slices(bytes: &[u8], config: TrainConfig) -> Result<(WebTrainer, Vec<LoadProgress>), Error> {
    let mut loader = WebLoader::new(Source::new(bytes.to_vec()), config)?;
    let mut seen = vec![loader.progress()];
    while !seen.last().unwrap().done {
        seen.push(loader.step_until(0.0, || 0.0)?);
    }
    Ok((loader.finish()?, seen))
}

#[test]
fn a_data_set_loaded_in_slices_trains_exactly_as_one_loaded_at_once() {
    for config in
        [TrainConfig { epochs: 1, ..TrainConfig::default() }, TrainConfig { epochs: 1, ..TrainConfig::best() }]
    {
        let (mut sliced, seen) = load_in_slices(BUNDLED, config).unwrap();
        let mut at_once = trainer(config);
        assert_eq!(sliced.inner.config(), at_once.inner.config());
        sliced.inner.step(usize::MAX);
        at_once.inner.step(usize::MAX);
        assert_eq!(sliced.weights(), at_once.weights(), "deskew {}", config.deskew);

        // 7.8 MB of pixels 64 KB at a time, then (deskewing) 10,000 samples 64 at a time.
        let stages: Vec<&str> = seen.iter().map(|progress| progress.stage).collect();
        let reading = stages.iter().filter(|&&stage| stage == "reading").count();
        assert!((110..=140).contains(&reading), "{reading} slices reading");
        let straightening = stages.len() - reading;
        assert_eq!(straightening > 150, config.deskew, "{straightening} slices straightening");
        for pair in seen.windows(2) {
            let moved_on = pair[1].stage != pair[0].stage;
            assert!(moved_on || pair[1].fraction >= pair[0].fraction, "{pair:?}");
        }
    }
}

#[test]
fn a_refusal_met_while_loading_ends_it() {
    assert!(matches!(
        WebLoader::new(Source::new(BUNDLED[..1000].to_vec()), TrainConfig::default()),
        Err(Error::File(FileError::NotAnArchive(_)))
    ));
    let zero_batch = TrainConfig { batch_size: 0, ..TrainConfig::default() };
    assert!(
        matches!(WebLoader::new(Source::new(BUNDLED.to_vec()), zero_batch), Err(Error::Config(ConfigError::ZeroBatch))),
        "settings that need no data are refused before any is read"
    );
    let nan = include_bytes!("../../tests/fixtures/loader/bad_nan_pixel.npz");
    let mut loader = WebLoader::new(Source::new(nan.to_vec()), TrainConfig::default()).expect("its headers are fine");
    let refused = loader.step_until(f64::INFINITY, || 0.0).unwrap_err();
    assert!(matches!(refused, Error::File(FileError::NonFinitePixel { sample: 3, pixel: 117, .. })), "{refused:?}");
    assert!(loader.step_until(f64::INFINITY, || 0.0).is_err(), "a refused loader stays refused");
    // Settings that do not fit the data are known once it is read.
    let too_large = TrainConfig { batch_size: 9000, ..TrainConfig::default() };
    assert!(matches!(load_in_slices(BUNDLED, too_large), Err(Error::Config(ConfigError::BatchTooLarge { .. }))));
}

#[test]
fn straightening_ahead_of_a_deskewing_restart_is_done_in_pieces() {
    let mut web = trainer(TrainConfig::default());
    let first = web.straighten_until(0.0, || 0.0);
    assert!(first > 0.0 && first < 0.01, "{first}: a few samples of 10,000");
    assert_eq!(web.straighten_until(f64::INFINITY, || 0.0), 1.0);
    let mut at_once = trainer(TrainConfig::default());
    for run in [&mut web, &mut at_once] {
        run.restart(TrainConfig { epochs: 1, ..TrainConfig::best() }).unwrap();
        run.inner.step(usize::MAX);
    }
    assert_eq!(web.weights(), at_once.weights());
}

#[test]
fn a_shared_link_comes_back_as_a_saved_model_and_a_hostile_one_is_a_share_error() {
    let mut web = trainer(TrainConfig { epochs: 1, deskew: true, ..TrainConfig::default() });
    web.inner.step(usize::MAX);
    let pixels = web.test_image(3).unwrap();
    web.teach(&pixels, 4.0).unwrap();
    let payload = web.export_shared();

    let mut other = trainer(TrainConfig::default());
    let npz = other.shared_as_npz(&payload).unwrap();
    assert!(other.correction_labels().is_empty(), "reading a link changes nothing");
    let saved = other.import_npz(&npz).unwrap();
    assert_eq!(saved.config, Some(*web.trainer().config()));
    assert_eq!(other.correction_labels(), [4]);
    assert_eq!(other.trainer().reader().classify(&pixels).unwrap(), web.trainer().reader().classify(&pixels).unwrap());

    let refusal = other.shared_as_npz(&payload[..payload.len() - 1]).unwrap_err();
    assert!(matches!(refusal, Error::Share(crate::error::ShareError::Checksum)));
    assert_eq!(refusal.kind(), "ShareError");
}
