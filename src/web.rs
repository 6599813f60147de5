//! The WebAssembly facade: the only module that knows about wasm-bindgen.
//!
//! JS owns the animation loop and calls `stepUntil` (or `step`) in small chunks. The facade adds only what
//! calling from JS needs: the clock for deadlines, an evaluation spread over calls, and the checks of JS
//! numbers. It hands typed arrays to the core and back (one copy each way), turns the core's serde types into
//! plain JS objects, and the core's refusals into thrown `Error`s whose `name` says their kind
//! (`FileError`, `ConfigError`, `DrawingError`, `InputError`). What needs no `JsValue` compiles natively too
//! and is unit-tested there; the conversions live in `#[cfg(target_family = "wasm")]` blocks.

use crate::data::digit_label;
use crate::digit;
use crate::error::{Error, InputError};
use crate::train::saved::{export_npz, import_npz, FileKind, SavedModel};
use crate::train::shared;
use crate::train::{Evaluation, Lesson, PendingEvaluation, StepReport, TrainConfig, Trainer};
#[cfg(target_family = "wasm")]
use wasm_bindgen::prelude::*;

mod loader;
pub use loader::{LoadProgress, Source, WebLoader};

/// Most batches one `stepUntil` call runs, whatever the clock says (a clock that stood still must not
/// make a call train for ever).
pub const MAX_BATCHES_PER_CALL: usize = 10_000;

/// A training run on one data set: an opaque handle owned by JS (call `free()` when done with it).
#[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = Trainer))]
pub struct WebTrainer {
    inner: Trainer,
    /// The evaluation `evaluateStep` is spreading over several calls, if one is under way.
    pending: Option<PendingEvaluation>,
}

/// The facade in Rust's own types: what the JS methods below do once their arguments are converted.
impl WebTrainer {
    /// Loads an `.npz` (X_train, y_train, X_test, y_test) and prepares a run with `config`.
    pub fn from_npz(bytes: &[u8], config: TrainConfig) -> Result<WebTrainer, Error> {
        let data = crate::data::load_npz(bytes)?;
        Ok(WebTrainer { inner: Trainer::new(data, config)?, pending: None })
    }

    pub fn trainer(&self) -> &Trainer {
        &self.inner
    }

    /// A second, untrained run with `config` on the same data set and corrections, for compare mode: nothing
    /// is read or straightened again.
    pub fn twin(&self, config: TrainConfig) -> Result<WebTrainer, Error> {
        Ok(WebTrainer { inner: self.inner.twin(config)?, pending: None })
    }

    /// Starts over on the same data with `config` (an untrained model); refused settings keep the run.
    pub fn restart(&mut self, config: TrainConfig) -> Result<(), Error> {
        self.inner.restart(config)?;
        self.pending = None;
        Ok(())
    }

    /// Trains until `now()` reaches `deadline` (checked after every batch, so at least one runs), or an epoch
    /// ends when `stop_at_epoch_end`, or [`MAX_BATCHES_PER_CALL`] batches have run. JS's `stepUntil` is this
    /// with `performance.now` as the clock.
    pub fn step_until(&mut self, deadline: f64, stop_at_epoch_end: bool, mut now: impl FnMut() -> f64) -> StepReport {
        self.inner
            .step_reported(MAX_BATCHES_PER_CALL, |batch| (stop_at_epoch_end && batch.ended_epoch) || now() >= deadline)
    }

    /// Straightens the data set, ahead of a run that deskews, until `now()` reaches `deadline` (read after
    /// every few samples); how much is done, 0 to 1 (1 also when the samples are not square images). JS's
    /// `straightenUntil` is this with `performance.now` as the clock.
    pub fn straighten_until(&mut self, deadline: f64, mut now: impl FnMut() -> f64) -> f64 {
        while !self.inner.straighten_some(loader::STRAIGHTEN_AT_ONCE) && now() < deadline {}
        self.inner.straightened_fraction()
    }

    /// Scores at most `max_samples` samples of a snapshot of the model taken at the first call; the
    /// evaluation once every sample is scored, after which the next call takes a new snapshot.
    pub fn evaluate_step(&mut self, max_samples: usize, include_train: bool) -> Option<Evaluation> {
        let pending = self.pending.get_or_insert_with(|| self.inner.start_evaluation(include_train));
        let evaluation = self.inner.evaluate_some(pending, max_samples);
        if evaluation.is_some() {
            self.pending = None;
        }
        evaluation
    }

    /// Teaches the model that `pixels` is the digit `label` (a JS number, so checked to be a whole 0–9).
    pub fn teach(&mut self, pixels: &[f32], label: f64) -> Result<Lesson, Error> {
        let digit = digit_label(label).ok_or_else(|| InputError::Label(label.to_string()))?;
        Ok(self.inner.teach(pixels, digit)?)
    }

    /// Replaces the model by one saved with `exportNpz` (a fresh run with those weights, nothing trained);
    /// the whole file is checked before anything changes.
    pub fn import_npz(&mut self, bytes: &[u8]) -> Result<SavedModel, Error> {
        let saved = import_npz(bytes, self.inner.data().features)?;
        // The corrections first: the run that begins with the model trains on them.
        self.inner.set_corrections(saved.corrections.clone())?;
        self.inner.restart_from(saved.reader.clone(), saved.config)?;
        self.pending = None;
        Ok(saved)
    }
}

/// Exported to JavaScript as they are: numbers, slices and typed arrays need no conversion.
#[cfg_attr(target_family = "wasm", wasm_bindgen(js_class = Trainer))]
impl WebTrainer {
    /// Probabilities of the 10 digits for one image (D pixels in 0..1): a `Float32Array(10)`.
    pub fn predict(&self, pixels: &[f32]) -> Result<Vec<f32>, Error> {
        Ok(self.inner.reader().predict(pixels)?.to_vec())
    }

    /// The weights `A` as a `Float32Array`, K×(D+1) row-major, the first column being the bias.
    pub fn weights(&self) -> Vec<f32> {
        self.inner.reader().model().weights().into_raw_vec_and_offset().0
    }

    /// The predicted digit of every test sample: a `Uint8Array`.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = testPredictions))]
    pub fn test_predictions(&self) -> Vec<u8> {
        self.inner.test_predictions()
    }

    /// The true digit of every test sample: a `Uint8Array`.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = testLabels))]
    pub fn test_labels(&self) -> Vec<u8> {
        self.inner.data().test.labels.clone()
    }

    /// Test sample `index`'s pixels (D values in 0..1): a `Float32Array`.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = testImage))]
    pub fn test_image(&self, index: u32) -> Result<Vec<f32>, Error> {
        Ok(self.inner.test_image(index as usize)?)
    }

    /// The image as the model reads it (straightened if it deskews): a `Float32Array` of D values.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = modelInput))]
    pub fn model_input(&self, pixels: &[f32]) -> Result<Vec<f32>, Error> {
        Ok(self.inner.reader().input(pixels)?.into_owned())
    }

    /// The digits of the visitor's corrections, oldest first: a `Uint8Array`.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = correctionLabels))]
    pub fn correction_labels(&self) -> Vec<u8> {
        self.inner.corrections().iter().map(|correction| correction.label).collect()
    }

    /// Correction `index`'s drawing (D values in 0..1, as it was taught): a `Float32Array`.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = correctionImage))]
    pub fn correction_image(&self, index: u32) -> Result<Vec<f32>, Error> {
        let corrections = self.inner.corrections();
        let correction = corrections
            .get(index as usize)
            .ok_or(InputError::NoSuchCorrection { index: index as usize, count: corrections.len() })?;
        Ok(correction.pixels.clone())
    }

    /// Forgets correction `index` (later runs do not train on it; the model keeps what it learned).
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = removeCorrection))]
    pub fn remove_correction(&mut self, index: u32) -> Result<(), Error> {
        Ok(self.inner.remove_correction(index as usize)?)
    }

    /// Forgets every correction.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = clearCorrections))]
    pub fn clear_corrections(&mut self) {
        self.inner.clear_corrections();
    }

    /// The model, its settings and the corrections as the bytes of an `.npz` that numpy reads
    /// (`np.load(f)["A"]`).
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = exportNpz))]
    pub fn export_npz(&self, test_accuracy: Option<f32>) -> Vec<u8> {
        export_npz(self.inner.reader(), self.inner.config(), test_accuracy, self.inner.corrections())
    }

    /// The model, its settings and the newest 50 corrections in a shared link's form (src/train/shared.rs),
    /// uncompressed: the page deflates it into the address's fragment.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = exportShared))]
    pub fn export_shared(&self) -> Vec<u8> {
        shared::encode(self.inner.reader(), self.inner.config(), self.inner.corrections())
    }

    /// A shared link's model (inflated), checked by the core, as a saved model's `.npz` for `importNpz`:
    /// throws a `ShareError` saying why it was refused. Changes nothing.
    #[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = sharedAsNpz))]
    pub fn shared_as_npz(&self, bytes: &[u8]) -> Result<Vec<u8>, Error> {
        let shared = shared::decode(bytes, self.inner.data().features)?;
        Ok(export_npz(&shared.reader, &shared.config, None, &shared.corrections))
    }
}

/// A drawing (a canvas's RGBA `ImageData.data`) in MNIST's form: a `Float32Array(784)` in 0..1, or
/// `undefined` when nothing is drawn. Light ink on dark, dark ink on light and any ink on a transparent
/// canvas are all understood.
#[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = preprocessDigit))]
pub fn preprocess_digit(rgba: &[u8], width: u32, height: u32) -> Result<Option<Vec<f32>>, Error> {
    Ok(digit::preprocess_digit(rgba, width as usize, height as usize)?)
}

/// What an `.npz` holds, from its array names alone: `"dataset"`, `"model"` or `"unknown"`.
#[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = fileKind))]
pub fn file_kind(bytes: &[u8]) -> String {
    FileKind::of(bytes).to_string()
}

#[cfg(target_family = "wasm")]
pub(crate) mod js {
    //! The conversions that need a JavaScript engine: options in, objects out, errors thrown.

    use super::*;
    use crate::error::ConfigError;
    use serde::Serialize;

    #[wasm_bindgen(start)]
    fn start() {
        // Rust panics reach the console with their message instead of an opaque "unreachable".
        console_error_panic_hook::set_once();
    }

    /// A refusal becomes an `Error` whose `name` is its kind, so the page tells refusals from failures.
    impl From<Error> for JsValue {
        fn from(error: Error) -> JsValue {
            let thrown = js_sys::Error::new(&error.to_string());
            thrown.set_name(error.kind());
            thrown.into()
        }
    }

    /// A plain JS object (not a `Map`) for any serde type of the core.
    pub(super) fn to_js<T: Serialize>(value: &T) -> JsValue {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        // The core's types are plain numbers, strings and arrays: they always serialise.
        value.serialize(&serializer).expect("plain data serialises")
    }

    /// Options as `Trainer.fromNpz` takes them: any field may be left out, and so may the whole object.
    pub(super) fn config_from_js(options: JsValue) -> Result<TrainConfig, Error> {
        if options.is_undefined() || options.is_null() {
            return Ok(TrainConfig::default());
        }
        // serde-wasm-bindgen looks up only the fields it knows, so `deny_unknown_fields` never sees a
        // misspelt option: compare the keys with those of a full options object.
        if let Some(object) = options.dyn_ref::<js_sys::Object>() {
            let known = js_sys::Object::keys(to_js(&TrainConfig::default()).unchecked_ref::<js_sys::Object>());
            if let Some(unknown) = js_sys::Object::keys(object).iter().find(|key| !known.includes(key, 0)) {
                let unknown = unknown.as_string().unwrap_or_default();
                let known: Vec<String> = known.iter().filter_map(|key| key.as_string()).collect();
                let problem = format!("unknown option {unknown:?}; the options are {}", known.join(", "));
                return Err(ConfigError::Options(problem).into());
            }
        }
        Ok(TrainConfig::from_options(serde_wasm_bindgen::Deserializer::from(options))?)
    }

    /// The browser's (or Node's) `performance` clock, which the page's deadlines are given in.
    pub(super) fn performance() -> Result<web_sys::Performance, JsValue> {
        let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))?;
        if performance.is_undefined() {
            return Err(js_sys::Error::new("stepUntil needs performance.now(), which this engine lacks").into());
        }
        Ok(performance.unchecked_into())
    }

    /// Exported to JavaScript with conversions: options in, plain objects out. `name_js` here is the method
    /// `name` above, called `name` in camelCase from JS: one name per operation.
    #[wasm_bindgen(js_class = Trainer)]
    impl WebTrainer {
        /// Loads an `.npz` (X_train, y_train, X_test, y_test) and prepares a run; throws a `FileError` or a
        /// `ConfigError` with a readable message when the file or the options are refused.
        #[wasm_bindgen(js_name = fromNpz)]
        pub fn from_npz_js(bytes: &[u8], options: JsValue) -> Result<WebTrainer, Error> {
            WebTrainer::from_npz(bytes, config_from_js(options)?)
        }

        /// Starts over on the same data with new options (an untrained model); throws a `ConfigError` on
        /// refused options and then keeps the current run.
        #[wasm_bindgen(js_name = restart)]
        pub fn restart_js(&mut self, options: JsValue) -> Result<(), Error> {
            self.restart(config_from_js(options)?)
        }

        /// A second, untrained run on the same data set and corrections with `options`, for compare mode:
        /// nothing is read or straightened again. Throws a `ConfigError` on refused options.
        #[wasm_bindgen(js_name = twin)]
        pub fn twin_js(&self, options: JsValue) -> Result<WebTrainer, Error> {
            self.twin(config_from_js(options)?)
        }

        /// The settings of this run, every field filled in.
        pub fn config(&self) -> JsValue {
            to_js(self.inner.config())
        }

        /// Where training stands: `{ epoch, batch, batchesPerEpoch, totalBatches, loss, batchAccuracy,
        /// epochEnded, done, diverged }`.
        pub fn progress(&self) -> JsValue {
            to_js(&self.inner.progress())
        }

        /// Runs at most `maxBatches` SGD steps: the progress fields, plus `batchLosses` and
        /// `batchAccuracies` (every batch run) and `divergence` (set when `diverged`: what to do).
        pub fn step(&mut self, max_batches: u32) -> JsValue {
            to_js(&self.inner.step_reported(max_batches as usize, |_| false))
        }

        /// Trains until `performance.now()` passes `deadline`, timing each batch in wasm (at least one runs);
        /// with `stopAtEpochEnd`, also stops after the batch that ends an epoch. Returns what `step` does.
        #[wasm_bindgen(js_name = stepUntil)]
        pub fn step_until_js(&mut self, deadline: f64, stop_at_epoch_end: bool) -> Result<JsValue, JsValue> {
            let clock = performance()?;
            Ok(to_js(&self.step_until(deadline, stop_at_epoch_end, || clock.now())))
        }

        /// Straightens the data set until `performance.now()` passes `deadline`, so that a later `restart`
        /// with `deskew` does not do it all at once; the fraction done (1 when done).
        #[wasm_bindgen(js_name = straightenUntil)]
        pub fn straighten_until_js(&mut self, deadline: f64) -> Result<f64, JsValue> {
            let clock = performance()?;
            Ok(self.straighten_until(deadline, || clock.now()))
        }

        /// `{ trainAccuracy, testAccuracy, testLoss, atBatch }` of the current model on the whole sets.
        pub fn evaluate(&self) -> JsValue {
            to_js(&self.inner.evaluate())
        }

        /// The same evaluation spread over several calls, so no frame does it all: scores at most
        /// `maxSamples` samples of a snapshot taken at the first call; `undefined` until done, then the
        /// result of `evaluate` for the model as it was at the snapshot (`atBatch`). The next call starts a
        /// new snapshot. With `includeTrain` false the training set is skipped and `trainAccuracy` is NaN.
        #[wasm_bindgen(js_name = evaluateStep)]
        pub fn evaluate_step_js(&mut self, max_samples: u32, include_train: Option<bool>) -> JsValue {
            match self.evaluate_step(max_samples as usize, include_train.unwrap_or(true)) {
                Some(evaluation) => to_js(&evaluation),
                None => JsValue::UNDEFINED,
            }
        }

        /// Replaces the model by one saved with `exportNpz`; returns `{ config, testAccuracy }` (either may be
        /// undefined: what the file says of its training), or throws a `FileError` saying why it was refused.
        #[wasm_bindgen(js_name = importNpz)]
        pub fn import_npz_js(&mut self, bytes: &[u8]) -> Result<JsValue, Error> {
            Ok(to_js(&self.import_npz(bytes)?))
        }

        /// Teaches the model that `pixels` (a `Float32Array` from `preprocessDigit`) is the digit `label`, at
        /// once (a few milliseconds): `{ steps, learned, correctionsReadRight }`. Throws an `InputError` on a
        /// wrong length, a non-finite pixel or a label that is not 0–9, and then changes nothing.
        #[wasm_bindgen(js_name = teach)]
        pub fn teach_js(&mut self, pixels: &[f32], label: f64) -> Result<JsValue, Error> {
            Ok(to_js(&self.teach(pixels, label)?))
        }

        /// Why the model reads `pixels` as it does: `{ predicted, runnerUp, forPredicted, forRunnerUp,
        /// predictedBias, runnerUpBias, probabilities }`, the two `for…` arrays holding each pixel's
        /// contribution `A[c, i] · x[i]` to that digit's score (on the image as the model reads it).
        pub fn evidence(&self, pixels: &[f32]) -> Result<JsValue, Error> {
            Ok(to_js(&self.inner.reader().evidence(pixels)?))
        }

        /// What was loaded: sizes, image shape, class counts and any notices (e.g. rescaling).
        #[wasm_bindgen(js_name = datasetInfo)]
        pub fn dataset_info(&self) -> JsValue {
            to_js(&self.inner.data().info())
        }
    }

    /// The settings the page offers as presets: `{ homework, best }`, each a full options object.
    #[wasm_bindgen]
    pub fn presets() -> JsValue {
        to_js(&TrainConfig::presets())
    }
}

#[cfg(test)]
mod tests;
