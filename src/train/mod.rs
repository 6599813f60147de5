//! Mini-batch SGD, resumable batch by batch so a page can drive it in small chunks.
//!
//! It reproduces the seed's loop: each epoch shuffles the sample order with a seeded RNG, takes
//! `len / batch` full batches (the last partial batch is dropped) and steps `A -= lr · grad`.

mod config;
mod evaluation;
mod progress;
pub mod saved;
mod teach;

pub use config::{Presets, Schedule, TrainConfig, MAX_EPOCHS, MAX_SEED};
pub use evaluation::{Evaluation, PendingEvaluation};
pub use progress::{BatchResult, Progress, StepReport};
pub use teach::{Correction, Lesson};

use crate::data::{Dataset, SampleMap, SparseRows};
use crate::digit::deskew;
use crate::error::{ConfigError, InputError};
use crate::model::{argmax, count_correct, gradient_into, logits_into, softmax_cross_entropy, Model};
use crate::CLASSES;
use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::ops::ControlFlow;

/// Where each epoch's sample order comes from.
#[derive(Debug, Clone)]
enum Order {
    Shuffled(Pcg64Mcg),
    /// One permutation per epoch, given by the caller (to replay another program's run exactly).
    Given(Vec<Vec<u32>>),
}

/// A resumable training run over a data set it owns.
pub struct Trainer {
    data: Dataset,
    /// The data set deskewed, made the first time a run deskews (or ahead of it, a slice at a time, by
    /// `straighten_some`) and kept for later runs.
    straightened: Option<Dataset>,
    straightening: SampleMap,
    /// The visitor's corrections, oldest first.
    taught: Vec<Correction>,
    /// The corrections this run trains on, as the model reads them, after the training set's samples: those
    /// there were when it began.
    taught_rows: SparseRows,
    taught_labels: Vec<u8>,
    config: TrainConfig,
    model: Model,
    order_source: Order,
    order: Vec<u32>,
    epoch: usize,
    batch: usize,
    total_batches: usize,
    last_loss: f32,
    last_batch_accuracy: f32,
    diverged: bool,
    // Buffers reused by every batch, so a step allocates nothing.
    batch_labels: Vec<u8>,
    logits: Array2<f32>,
    gradient: Vec<f32>,
    /// The last weights whose batch loss was finite, to fall back on if the numbers overflow.
    last_finite_weights: Vec<f32>,
}

impl Trainer {
    /// A run that shuffles each epoch with `config.seed`.
    pub fn new(data: Dataset, config: TrainConfig) -> Result<Trainer, ConfigError> {
        let rng = Pcg64Mcg::seed_from_u64(config.seed);
        Trainer::build(data, config, Order::Shuffled(rng))
    }

    /// A run that uses the given sample order for each epoch instead of shuffling.
    pub fn with_orders(data: Dataset, config: TrainConfig, orders: Vec<Vec<u32>>) -> Result<Trainer, ConfigError> {
        let samples = data.train.len();
        for (epoch, order) in orders.iter().enumerate() {
            let mut seen = vec![false; samples];
            let valid = order.len() == samples
                && order.iter().all(|&i| (i as usize) < samples && !std::mem::replace(&mut seen[i as usize], true));
            if !valid {
                return Err(ConfigError::BadOrder { epoch, given: order.len(), samples });
            }
        }
        let config = TrainConfig { epochs: config.epochs.min(orders.len()), ..config };
        Trainer::build(data, config, Order::Given(orders))
    }

    fn build(data: Dataset, config: TrainConfig, order_source: Order) -> Result<Trainer, ConfigError> {
        config.validate(&data)?;
        let model = Model::zeros(data.features);
        // Every field of the run itself is set by `begin`; these are only its buffers' first shapes.
        let mut trainer = Trainer {
            straightened: None,
            straightening: SampleMap::default(),
            taught: Vec::new(),
            taught_rows: SparseRows::default(),
            taught_labels: Vec::new(),
            order: Vec::new(),
            order_source,
            epoch: 0,
            batch: 0,
            total_batches: 0,
            last_loss: f32::NAN,
            last_batch_accuracy: f32::NAN,
            diverged: false,
            batch_labels: Vec::new(),
            logits: Array2::zeros((0, CLASSES)),
            gradient: model.gradient_buffer(),
            last_finite_weights: model.gradient_buffer(),
            model: model.clone(),
            data,
            config,
        };
        trainer.begin(config, model);
        Ok(trainer)
    }

    /// Starts over with `config` on the same data: an untrained model, epoch 0 (no reloading of the data).
    /// Refused settings keep the current run.
    pub fn restart(&mut self, config: TrainConfig) -> Result<(), ConfigError> {
        config.validate(&self.data)?;
        let features = self.data.features;
        self.begin(config, Model::zeros(features));
        Ok(())
    }

    /// Starts over on the same data with a given model (e.g. one loaded from a file) instead of zeros,
    /// recording the settings it was trained with when they are known and fit this data set (else the
    /// current ones stay).
    pub fn restart_with_model(&mut self, model: Model, config: Option<TrainConfig>) -> Result<(), InputError> {
        if model.features() != self.data.features {
            return Err(InputError::WrongPixelCount { expected: self.data.features, got: model.features() });
        }
        let config = config.filter(|config| config.validate(&self.data).is_ok()).unwrap_or(self.config);
        let config = TrainConfig { deskew: model.deskews(), ..config };
        self.begin(config, model);
        Ok(())
    }

    /// Epoch 0 of a run with settings already validated, from `model` (made to deskew as the settings say).
    fn begin(&mut self, mut config: TrainConfig, model: Model) {
        match &mut self.order_source {
            Order::Shuffled(rng) => *rng = Pcg64Mcg::seed_from_u64(config.seed),
            Order::Given(orders) => config.epochs = config.epochs.min(orders.len()),
        }
        let side = if config.deskew { self.data.square_side() } else { None };
        if side.is_some() {
            self.straighten_some(usize::MAX);
        }
        self.model = model.deskewing(side);
        self.config = config;
        self.taught_rows = self.model_inputs(&self.taught);
        self.taught_labels = self.taught.iter().map(|correction| correction.label).collect();
        self.order = (0..(self.data.train.len() + self.taught.len()) as u32).collect();
        (self.epoch, self.batch, self.total_batches) = (0, 0, 0);
        (self.last_loss, self.last_batch_accuracy, self.diverged) = (f32::NAN, f32::NAN, false);
        self.batch_labels.resize(config.batch_size, 0);
        self.logits = Array2::zeros((config.batch_size, CLASSES));
        self.model.copy_weights_to(&mut self.last_finite_weights);
    }

    /// Straightens up to `max_samples` more samples of the data set, so that a run that deskews can begin
    /// without doing it all in one call; true once it is done (or the samples are not square images).
    pub fn straighten_some(&mut self, max_samples: usize) -> bool {
        let Some(side) = self.data.square_side() else { return true };
        if self.straightened.is_some() {
            return true;
        }
        let done = self.straightening.advance(&self.data, max_samples, |pixels| deskew(pixels, side));
        if done {
            let mapping = std::mem::take(&mut self.straightening);
            self.straightened = Some(mapping.finish(&self.data));
        }
        done
    }

    /// How much of the data set is straightened, 0 to 1.
    pub fn straightened_fraction(&self) -> f64 {
        if self.straightened.is_some() {
            1.0
        } else {
            self.straightening.fraction(&self.data)
        }
    }

    /// Corrections as the model reads them (deskewed if it deskews), as rows.
    fn model_inputs(&self, corrections: &[Correction]) -> SparseRows {
        let mut rows = SparseRows::default();
        for correction in corrections {
            rows.push_sample(&self.model.input(&correction.pixels));
        }
        rows
    }

    /// The data set as the model reads it: deskewed if it deskews.
    pub fn model_data(&self) -> &Dataset {
        data_as_read(&self.data, &self.straightened, self.model.deskews())
    }

    /// The predicted digit of every test sample.
    pub fn test_predictions(&self) -> Vec<u8> {
        let test = &self.model_data().test;
        let mut logits = Array2::zeros((test.len(), CLASSES));
        logits_into(test.rows(0, test.len()), &self.model, logits.view_mut());
        logits.rows().into_iter().map(|row| argmax(row) as u8).collect()
    }

    /// Test sample `index`'s pixels (D values, without the bias), as the data set holds them.
    pub fn test_image(&self, index: usize) -> Result<Vec<f32>, InputError> {
        let samples = self.data.test.len();
        if index >= samples {
            return Err(InputError::NoSuchTestSample { index, samples });
        }
        Ok(self.data.test.pixels(index))
    }

    /// What to tell the user when training diverged.
    pub fn divergence_message(&self) -> Option<String> {
        self.diverged.then(|| {
            format!(
                "The loss overflowed at epoch {}, batch {} with learning rate {}. Training stopped and kept the \
                 model from before that batch; try a smaller learning rate (the homework used 0.1).",
                self.epoch + 1,
                self.batch + 1,
                self.config.learning_rate
            )
        })
    }

    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    pub fn data(&self) -> &Dataset {
        &self.data
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Full batches per epoch over the training set and the corrections; a last partial batch is dropped,
    /// as in the seed.
    pub fn batches_per_epoch(&self) -> usize {
        self.order.len() / self.config.batch_size
    }

    pub fn is_done(&self) -> bool {
        self.epoch >= self.config.epochs
    }

    /// Where training stands (`epoch_ended` is false: it belongs to a call to [`Trainer::step`]).
    pub fn progress(&self) -> Progress {
        Progress {
            epoch: self.epoch,
            batch: self.batch,
            batches_per_epoch: self.batches_per_epoch(),
            total_batches: self.total_batches,
            loss: self.last_loss,
            batch_accuracy: self.last_batch_accuracy,
            epoch_ended: false,
            done: self.is_done(),
            diverged: self.diverged,
        }
    }

    /// Runs at most `max_batches` batches and says where training stands.
    pub fn step(&mut self, max_batches: usize) -> Progress {
        self.step_observed(max_batches, |_| ControlFlow::Continue(()))
    }

    /// Like [`Trainer::step`], also handing each batch's result to `on_batch`, which may end the call after
    /// that batch (e.g. when time is up) by returning `ControlFlow::Break`.
    pub fn step_observed(
        &mut self,
        max_batches: usize,
        mut on_batch: impl FnMut(BatchResult) -> ControlFlow<()>,
    ) -> Progress {
        let mut epoch_ended = false;
        for _ in 0..max_batches {
            if self.is_done() || self.diverged {
                break;
            }
            if self.batch == 0 {
                self.start_epoch();
            }
            self.run_batch();
            if self.diverged {
                break;
            }
            self.batch += 1;
            self.total_batches += 1;
            let ended_epoch = self.batch == self.batches_per_epoch();
            if ended_epoch {
                self.batch = 0;
                self.epoch += 1;
                epoch_ended = true;
            }
            let result = BatchResult { loss: self.last_loss, accuracy: self.last_batch_accuracy, ended_epoch };
            if on_batch(result).is_break() {
                break;
            }
        }
        Progress { epoch_ended, ..self.progress() }
    }

    /// Runs at most `max_batches` batches, ending the call after any batch for which `stop` says so, and
    /// reports each batch (to chart every loss).
    pub fn step_reported(&mut self, max_batches: usize, mut stop: impl FnMut(&BatchResult) -> bool) -> StepReport {
        let (mut batch_losses, mut batch_accuracies) = (Vec::new(), Vec::new());
        let progress = self.step_observed(max_batches, |batch| {
            batch_losses.push(batch.loss);
            batch_accuracies.push(batch.accuracy);
            if stop(&batch) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        StepReport { progress, divergence: self.divergence_message(), batch_losses, batch_accuracies }
    }

    fn start_epoch(&mut self) {
        match &mut self.order_source {
            Order::Shuffled(rng) => self.order.shuffle(rng),
            // Given orders cover the training set; corrections, if any, keep their places after it.
            Order::Given(orders) => self.order[..orders[self.epoch].len()].copy_from_slice(&orders[self.epoch]),
        }
    }

    fn run_batch(&mut self) {
        let size = self.config.batch_size;
        let indices = &self.order[self.batch * size..(self.batch + 1) * size];
        // The fields one by one (not `model_data()`), as the model changes below while these are read.
        let train = &data_as_read(&self.data, &self.straightened, self.model.deskews()).train;
        let (taught_rows, taught_labels, trained) = (&self.taught_rows, &self.taught_labels, train.len());
        // The batch is read in place, row by row by index: shuffling moves indices, never pixels.
        let row = |i: u32| {
            let i = i as usize;
            if i < trained {
                (train.row(i), train.labels[i])
            } else {
                (taught_rows.row(i - trained), taught_labels[i - trained])
            }
        };
        let rows = || indices.iter().map(|&i| row(i).0);
        for (label, &index) in self.batch_labels.iter_mut().zip(indices) {
            *label = row(index).1;
        }

        logits_into(rows(), &self.model, self.logits.view_mut());
        let correct = count_correct(self.logits.view(), &self.batch_labels);
        self.last_batch_accuracy = correct as f32 / size as f32;
        self.last_loss = softmax_cross_entropy(self.logits.view_mut(), &self.batch_labels, self.config.softmax);
        // A learning rate so large that the numbers overflow: fall back on the last weights whose loss was
        // finite and stop, so the page keeps a model that still predicts.
        if !self.last_loss.is_finite() {
            self.model.restore_weights(&self.last_finite_weights);
            self.diverged = true;
            return;
        }
        self.model.copy_weights_to(&mut self.last_finite_weights);
        gradient_into(rows(), self.logits.view_mut(), &self.batch_labels, &mut self.gradient);
        let total = self.batches_per_epoch() * self.config.epochs;
        let rate = self.config.learning_rate * self.config.schedule.factor(self.total_batches, total);
        self.model.descend(rate, self.config.weight_decay, &self.gradient);
        if !self.model.is_finite() {
            self.model.restore_weights(&self.last_finite_weights);
            self.diverged = true;
        }
    }

    /// Accuracy on the whole training and test sets, and the test loss (row-wise softmax), in one go.
    pub fn evaluate(&self) -> Evaluation {
        let mut pending = self.start_evaluation(true);
        loop {
            if let Some(evaluation) = pending.advance(self.model_data(), usize::MAX) {
                return evaluation;
            }
        }
    }

    /// An evaluation of the model as it is now, to be done a slice at a time (training may go on meanwhile):
    /// the test set, then the training set if `include_train` (it is usually several times larger).
    pub fn start_evaluation(&self, include_train: bool) -> PendingEvaluation {
        PendingEvaluation::new(self.model.clone(), self.total_batches, include_train)
    }
}

/// The data set as a model that deskews (or not) reads it: the straightened copy, or the data as loaded. A
/// function of the fields rather than a method, so callers may change the model while they read the data.
fn data_as_read<'a>(data: &'a Dataset, straightened: &'a Option<Dataset>, deskews: bool) -> &'a Dataset {
    match straightened {
        Some(straightened) if deskews => straightened,
        _ => data,
    }
}
