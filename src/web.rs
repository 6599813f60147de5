//! The WebAssembly facade: the only module that knows about wasm-bindgen.
//!
//! JS owns the animation loop and calls `step` in small chunks; plain objects cross as JS objects via
//! serde-wasm-bindgen, and pixel arrays as typed arrays (one copy each way).

use crate::data::{load_npz, Dataset};
use crate::model::SoftmaxMode;
use crate::persist;
use crate::preprocess;
use crate::trainer::{Evaluation, PendingEvaluation, Schedule, TrainConfig, Trainer};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(start)]
fn start() {
    // Rust panics reach the console with their message instead of an opaque "unreachable".
    console_error_panic_hook::set_once();
}

/// Options accepted by `Trainer.fromNpz`; any may be left out (the seed's settings are the defaults).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Options {
    learning_rate: f64,
    batch_size: f64,
    epochs: f64,
    seed: f64,
    softmax: String,
    weight_decay: f64,
    schedule: String,
}

impl Default for Options {
    fn default() -> Self {
        let seed = TrainConfig::default();
        Options {
            learning_rate: f64::from(seed.learning_rate),
            batch_size: seed.batch_size as f64,
            epochs: seed.epochs as f64,
            seed: seed.seed as f64,
            softmax: seed.softmax.to_string(),
            weight_decay: f64::from(seed.weight_decay),
            schedule: seed.schedule.to_string(),
        }
    }
}

fn whole_number(value: f64, name: &str) -> Result<u64, JsError> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 2f64.powi(53) {
        Ok(value as u64)
    } else {
        Err(JsError::new(&format!("{name} must be a whole number, not {value}")))
    }
}

/// A count (wasm's `usize` is 32 bits): refused rather than silently capped when it does not fit.
fn count(value: f64, name: &str) -> Result<usize, JsError> {
    let whole = whole_number(value, name)?;
    usize::try_from(whole).map_err(|_| JsError::new(&format!("{name} must be at most {}, not {whole}", usize::MAX)))
}

const OPTION_NAMES: [&str; 7] = ["learningRate", "batchSize", "epochs", "seed", "softmax", "weightDecay", "schedule"];

impl Options {
    fn from_js(options: JsValue) -> Result<TrainConfig, JsError> {
        let options: Options = if options.is_undefined() || options.is_null() {
            Options::default()
        } else {
            // serde-wasm-bindgen reads only the fields it knows, so a misspelt option must be caught here.
            if let Some(object) = options.dyn_ref::<js_sys::Object>() {
                for key in js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()) {
                    if !OPTION_NAMES.contains(&key.as_str()) {
                        let known = OPTION_NAMES.join(", ");
                        return Err(JsError::new(&format!("Unknown option {key:?}; the options are {known}")));
                    }
                }
            }
            serde_wasm_bindgen::from_value(options).map_err(|e| JsError::new(&format!("Invalid options: {e}")))?
        };
        Ok(TrainConfig {
            learning_rate: options.learning_rate as f32,
            batch_size: count(options.batch_size, "batchSize")?,
            epochs: count(options.epochs, "epochs")?,
            seed: whole_number(options.seed, "seed")?,
            softmax: options.softmax.parse::<SoftmaxMode>().map_err(|e| JsError::new(&e))?,
            weight_decay: options.weight_decay as f32,
            schedule: options.schedule.parse::<Schedule>().map_err(|e| JsError::new(&e))?,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressJs {
    epoch: usize,
    batch: usize,
    batches_per_epoch: usize,
    total_batches: usize,
    loss: f32,
    batch_accuracy: f32,
    epoch_ended: bool,
    done: bool,
    /// Set when the loss overflowed: `divergence` then says what happened and what to do.
    diverged: bool,
    divergence: Option<String>,
    /// Loss and accuracy of every batch this call ran, in order.
    batch_losses: Vec<f32>,
    batch_accuracies: Vec<f32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EvaluationJs {
    train_accuracy: f32,
    test_accuracy: f32,
    test_loss: f32,
    /// Batches the model had been trained for when it was evaluated.
    at_batch: usize,
}

impl EvaluationJs {
    fn new(e: Evaluation, at_batch: usize) -> EvaluationJs {
        EvaluationJs {
            train_accuracy: e.train_accuracy,
            test_accuracy: e.test_accuracy,
            test_loss: e.test_loss,
            at_batch,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasetInfoJs<'a> {
    train_samples: usize,
    test_samples: usize,
    features: usize,
    image_shape: Option<(usize, usize)>,
    train_class_counts: Vec<usize>,
    test_class_counts: Vec<usize>,
    notices: &'a [String],
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Plain structs of numbers and strings always serialise.
    serde_wasm_bindgen::to_value(value).expect("plain data serialises")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedModelJs {
    learning_rate: Option<f32>,
    batch_size: Option<usize>,
    epochs: Option<usize>,
    seed: Option<u64>,
    softmax: Option<String>,
    weight_decay: Option<f32>,
    schedule: Option<String>,
    test_accuracy: Option<f32>,
}

/// A training run on one data set: an opaque handle owned by JS (call `free()` when done with it).
#[wasm_bindgen(js_name = Trainer)]
pub struct WebTrainer {
    inner: Trainer,
    pending: Option<PendingEvaluation>,
}

#[wasm_bindgen(js_class = Trainer)]
impl WebTrainer {
    /// Loads an `.npz` (X_train, y_train, X_test, y_test) and prepares a run; throws an Error with a
    /// readable message when the file or the options are refused.
    #[wasm_bindgen(js_name = fromNpz)]
    pub fn from_npz(bytes: &[u8], options: JsValue) -> Result<WebTrainer, JsError> {
        let config = Options::from_js(options)?;
        let data: Dataset = load_npz(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        let inner = Trainer::new(data, config).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(WebTrainer { inner, pending: None })
    }

    /// Starts over on the same data with new options (an untrained model); throws on refused options and
    /// then keeps the current run.
    pub fn restart(&mut self, options: JsValue) -> Result<(), JsError> {
        let config = Options::from_js(options)?;
        self.inner.restart(config).map_err(|e| JsError::new(&e.to_string()))?;
        self.pending = None;
        Ok(())
    }

    /// Runs at most `maxBatches` SGD steps: `{ epoch, batch, batchesPerEpoch, totalBatches, loss,
    /// batchAccuracy, epochEnded, done, batchLosses, batchAccuracies }`.
    pub fn step(&mut self, max_batches: u32) -> JsValue {
        let (mut batch_losses, mut batch_accuracies) = (Vec::new(), Vec::new());
        let p = self.inner.step_observed(max_batches as usize, |result| {
            batch_losses.push(result.loss);
            batch_accuracies.push(result.accuracy);
        });
        to_js(&ProgressJs {
            epoch: p.epoch,
            batch: p.batch,
            batches_per_epoch: p.batches_per_epoch,
            total_batches: p.total_batches,
            loss: p.loss,
            batch_accuracy: p.batch_accuracy,
            epoch_ended: p.epoch_ended,
            done: p.done,
            diverged: p.diverged,
            divergence: self.inner.divergence_message(),
            batch_losses,
            batch_accuracies,
        })
    }

    /// `{ trainAccuracy, testAccuracy, testLoss, atBatch }` of the current model on the whole sets.
    pub fn evaluate(&self) -> JsValue {
        to_js(&EvaluationJs::new(self.inner.evaluate(), self.inner.progress().total_batches))
    }

    /// The same evaluation spread over several calls, so no frame does it all: scores at most `maxSamples`
    /// samples of a snapshot taken at the first call; `undefined` until done, then the result of `evaluate`
    /// for the model as it was at the snapshot (`atBatch`). The next call starts a new snapshot. With
    /// `includeTrain` false the training set is skipped and `trainAccuracy` is NaN.
    #[wasm_bindgen(js_name = evaluateStep)]
    pub fn evaluate_step(&mut self, max_samples: u32, include_train: Option<bool>) -> JsValue {
        let include_train = include_train.unwrap_or(true);
        let pending = self.pending.get_or_insert_with(|| self.inner.start_evaluation(include_train));
        match pending.advance(self.inner.data(), max_samples as usize) {
            Some(evaluation) => {
                let at_batch = pending.at_batch();
                self.pending = None;
                to_js(&EvaluationJs::new(evaluation, at_batch))
            }
            None => JsValue::UNDEFINED,
        }
    }

    /// Probabilities of the 10 digits for one image (D pixels in 0..1): a `Float32Array(10)`.
    pub fn predict(&self, pixels: &[f32]) -> Result<Vec<f32>, JsError> {
        let features = self.inner.model().features();
        if pixels.len() != features {
            return Err(JsError::new(&format!("predict expects {features} pixels, got {}", pixels.len())));
        }
        if pixels.iter().any(|p| !p.is_finite()) {
            return Err(JsError::new("predict expects finite pixel values"));
        }
        Ok(self.inner.model().predict(pixels).to_vec())
    }

    /// The weights `A` as a `Float32Array`, K×(D+1) row-major, the first column being the bias.
    pub fn weights(&self) -> Vec<f32> {
        self.inner.model().weights().into_raw_vec_and_offset().0
    }

    /// The predicted digit of every test sample: a `Uint8Array`.
    #[wasm_bindgen(js_name = testPredictions)]
    pub fn test_predictions(&self) -> Vec<u8> {
        self.inner.test_predictions()
    }

    /// The true digit of every test sample: a `Uint8Array`.
    #[wasm_bindgen(js_name = testLabels)]
    pub fn test_labels(&self) -> Vec<u8> {
        self.inner.data().test.labels.clone()
    }

    /// Test sample `index`'s pixels (D values in 0..1): a `Float32Array`.
    #[wasm_bindgen(js_name = testImage)]
    pub fn test_image(&self, index: u32) -> Result<Vec<f32>, JsError> {
        let test = &self.inner.data().test;
        let index = index as usize;
        if index >= test.len() {
            return Err(JsError::new(&format!("there is no test sample {index}; there are {}", test.len())));
        }
        Ok(test.pixels(index))
    }

    /// The model and its settings as the bytes of an `.npz` that numpy reads (`np.load(f)["A"]`).
    #[wasm_bindgen(js_name = exportNpz)]
    pub fn export_npz(&self, test_accuracy: Option<f32>) -> Vec<u8> {
        persist::export_npz(self.inner.model(), self.inner.config(), test_accuracy)
    }

    /// Replaces the model by one saved with `exportNpz` (a fresh run with those weights, nothing trained);
    /// returns what the file says of its training, or throws with the reason the file was refused.
    #[wasm_bindgen(js_name = importNpz)]
    pub fn import_npz(&mut self, bytes: &[u8]) -> Result<JsValue, JsError> {
        let saved = persist::import_npz(bytes, self.inner.data().features).map_err(|e| JsError::new(&e.to_string()))?;
        self.inner.restart_with_model(saved.model, saved.config);
        self.pending = None;
        let config = saved.config;
        Ok(to_js(&SavedModelJs {
            learning_rate: config.map(|c| c.learning_rate),
            batch_size: config.map(|c| c.batch_size),
            epochs: config.map(|c| c.epochs),
            seed: config.map(|c| c.seed),
            softmax: config.map(|c| c.softmax.to_string()),
            weight_decay: config.map(|c| c.weight_decay),
            schedule: config.map(|c| c.schedule.to_string()),
            test_accuracy: saved.test_accuracy,
        }))
    }

    /// What was loaded: sizes, class counts and any notices (e.g. rescaling).
    #[wasm_bindgen(js_name = datasetInfo)]
    pub fn dataset_info(&self) -> JsValue {
        let data = self.inner.data();
        to_js(&DatasetInfoJs {
            train_samples: data.train.len(),
            test_samples: data.test.len(),
            features: data.features,
            image_shape: data.image_shape,
            train_class_counts: data.train.class_counts().to_vec(),
            test_class_counts: data.test.class_counts().to_vec(),
            notices: &data.notices,
        })
    }
}

/// A drawing (a canvas's RGBA `ImageData.data`) in MNIST's form: a `Float32Array(784)` in 0..1, or
/// `undefined` when nothing is drawn. Light ink on dark, dark ink on light and any ink on a transparent
/// canvas are all understood.
#[wasm_bindgen(js_name = preprocessDigit)]
pub fn preprocess_digit(rgba: &[u8], width: u32, height: u32) -> Result<Option<Vec<f32>>, JsError> {
    preprocess::preprocess_digit(rgba, width as usize, height as usize).map_err(|e| JsError::new(&e.to_string()))
}
