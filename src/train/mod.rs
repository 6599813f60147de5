//! Mini-batch SGD, resumable batch by batch so a page can drive it in small chunks.
//!
//! It reproduces the seed's loop: each epoch shuffles the sample order with a seeded RNG, takes
//! `len / batch` full batches (the last partial batch is dropped) and steps
//! `A ← A − lr·f(t)·(∇loss + λ·A)`, where f is the schedule's factor (1 in the seed) and the weight decay λ
//! (0 in the seed) spares the biases. The model reads images through a [`Reader`], which straightens them
//! if the run deskews; the data set as the run reads it is kept by [`samples`].

mod config;
mod evaluation;
mod progress;
mod reader;
mod samples;
pub mod saved;
mod sgd;
pub mod shared;
mod teach;

pub use config::{Presets, Schedule, TrainConfig, MAX_EPOCHS, MAX_SEED};
pub use evaluation::{Evaluation, PendingEvaluation};
pub use progress::{BatchResult, Progress, StepReport};
pub use reader::{Reader, Reading};
pub use teach::{Correction, Lesson};

use crate::data::{Dataset, SparseRows};
use crate::error::{ConfigError, InputError};
use crate::model::{argmax, logits_into, Model};
use crate::CLASSES;
use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use samples::Samples;
use sgd::{Descent, Sgd};
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
    samples: Samples,
    /// The visitor's corrections, oldest first.
    taught: Vec<Correction>,
    /// The corrections this run trains on, as its reader sees them, after the training set's samples: those
    /// there were when it began.
    taught_rows: SparseRows,
    taught_labels: Vec<u8>,
    config: TrainConfig,
    reader: Reader,
    order_source: Order,
    order: Vec<u32>,
    epoch: usize,
    batch: usize,
    total_batches: usize,
    last_loss: f32,
    last_batch_accuracy: f32,
    diverged: bool,
    batch_labels: Vec<u8>,
    sgd: Sgd,
}

impl Trainer {
    /// A run that shuffles each epoch with `config.seed`.
    pub fn new(data: Dataset, config: TrainConfig) -> Result<Trainer, ConfigError> {
        let rng = Pcg64Mcg::seed_from_u64(config.seed);
        Trainer::build(Samples::new(data), Vec::new(), config, Order::Shuffled(rng))
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
        Trainer::build(Samples::new(data), Vec::new(), config, Order::Given(orders))
    }

    /// A second, untrained run with `config` on the same data set (shared, not copied, and so is its
    /// straightened copy) and the same corrections: compare mode trains it beside this one, on the same
    /// batches when the seed and batch size are the same.
    pub fn twin(&self, config: TrainConfig) -> Result<Trainer, ConfigError> {
        Trainer::build(self.samples.clone(), self.taught.clone(), config, self.order_source.clone())
    }

    fn build(
        samples: Samples,
        taught: Vec<Correction>,
        config: TrainConfig,
        order_source: Order,
    ) -> Result<Trainer, ConfigError> {
        config.validate(samples.loaded())?;
        let model = Model::zeros(samples.loaded().features);
        // Every field of the run itself is set by `begin`; these are only placeholders.
        let mut trainer = Trainer {
            taught,
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
            sgd: Sgd::new(&model),
            reader: Reader::new(model.clone(), Reading::AsGiven),
            samples,
            config,
        };
        trainer.begin(config, model);
        Ok(trainer)
    }

    /// Starts over with `config` on the same data: an untrained model, epoch 0 (no reloading of the data).
    /// Refused settings keep the current run.
    pub fn restart(&mut self, config: TrainConfig) -> Result<(), ConfigError> {
        config.validate(self.samples.loaded())?;
        let features = self.samples.loaded().features;
        self.begin(config, Model::zeros(features));
        Ok(())
    }

    /// Starts over on the same data with a given model (e.g. one loaded from a file) instead of zeros,
    /// recording the settings it was trained with when they are known and fit this data set (else the
    /// current ones stay; whether it deskews is the reader's).
    pub fn restart_from(&mut self, reader: Reader, config: Option<TrainConfig>) -> Result<(), InputError> {
        let features = self.samples.loaded().features;
        if reader.model().features() != features {
            return Err(InputError::WrongPixelCount { expected: features, got: reader.model().features() });
        }
        let config = config.filter(|config| config.validate(self.samples.loaded()).is_ok()).unwrap_or(self.config);
        let config = TrainConfig { deskew: reader.reading().straightens(), ..config };
        self.begin(config, reader.into_model());
        Ok(())
    }

    /// Epoch 0 of a run with settings already validated, from `model` (read as the settings say).
    fn begin(&mut self, mut config: TrainConfig, model: Model) {
        match &mut self.order_source {
            Order::Shuffled(rng) => *rng = Pcg64Mcg::seed_from_u64(config.seed),
            Order::Given(orders) => config.epochs = config.epochs.min(orders.len()),
        }
        let reading = Reading::of(config.deskew, model.features()).expect("validated: deskewing needs square images");
        if reading.straightens() {
            self.samples.straighten_some(usize::MAX);
        }
        self.reader = Reader::new(model, reading);
        self.config = config;
        self.taught_rows = self.reader.rows(self.taught.iter().map(|correction| &correction.pixels[..]));
        self.taught_labels = self.taught.iter().map(|correction| correction.label).collect();
        self.order = (0..(self.samples.loaded().train.len() + self.taught.len()) as u32).collect();
        (self.epoch, self.batch, self.total_batches) = (0, 0, 0);
        (self.last_loss, self.last_batch_accuracy, self.diverged) = (f32::NAN, f32::NAN, false);
        self.batch_labels.resize(config.batch_size, 0);
        self.sgd.keep(self.reader.model());
    }

    /// Straightens up to `max_samples` more samples of the data set, so that a run that deskews can begin
    /// without doing it all in one call; true once it is done (or the samples are not square images).
    pub fn straighten_some(&mut self, max_samples: usize) -> bool {
        self.samples.straighten_some(max_samples)
    }

    /// How much of the data set is straightened, 0 to 1.
    pub fn straightened_fraction(&self) -> f64 {
        self.samples.straightened_fraction()
    }

    /// The data set as the model reads it.
    fn data_read(&self) -> &Dataset {
        self.samples.read_as(self.reader.reading())
    }

    /// The predicted digit of every test sample.
    pub fn test_predictions(&self) -> Vec<u8> {
        let test = &self.data_read().test;
        let mut logits = Array2::zeros((test.len(), CLASSES));
        logits_into(test.rows(0, test.len()), self.reader.model(), logits.view_mut());
        logits.rows().into_iter().map(|row| argmax(row) as u8).collect()
    }

    /// Test sample `index`'s pixels (D values, without the bias), as the data set holds them.
    pub fn test_image(&self, index: usize) -> Result<Vec<f32>, InputError> {
        let test = &self.samples.loaded().test;
        if index >= test.len() {
            return Err(InputError::NoSuchTestSample { index, samples: test.len() });
        }
        Ok(test.pixels(index))
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

    /// The data set as it was loaded.
    pub fn data(&self) -> &Dataset {
        self.samples.loaded()
    }

    /// The model and how it reads images.
    pub fn reader(&self) -> &Reader {
        &self.reader
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
    fn step_observed(
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
        let train = &self.samples.read_as(self.reader.reading()).train;
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
        for (label, &index) in self.batch_labels.iter_mut().zip(indices) {
            *label = row(index).1;
        }
        let total = self.batches_per_epoch() * self.config.epochs;
        let descent = Descent {
            softmax: self.config.softmax,
            rate: self.config.learning_rate * self.config.schedule.factor(self.total_batches, total),
            weight_decay: self.config.weight_decay,
        };
        let rows = || indices.iter().map(|&i| row(i).0);
        let outcome = self.sgd.step(self.reader.model_mut(), rows, &self.batch_labels, descent);
        self.last_loss = outcome.loss;
        self.last_batch_accuracy = outcome.correct as f32 / size as f32;
        // A learning rate so large that the numbers overflow: the step fell back on the last weights whose
        // loss was finite; stop, so the page keeps a model that still predicts.
        self.diverged = outcome.overflowed;
    }

    /// Accuracy on the whole training and test sets, and the test loss (row-wise softmax), in one go.
    pub fn evaluate(&self) -> Evaluation {
        let mut pending = self.start_evaluation(true);
        loop {
            if let Some(evaluation) = self.evaluate_some(&mut pending, usize::MAX) {
                return evaluation;
            }
        }
    }

    /// An evaluation of the model as it is now, to be done a slice at a time (training may go on meanwhile):
    /// the test set, then the training set if `include_train` (it is usually several times larger).
    pub fn start_evaluation(&self, include_train: bool) -> PendingEvaluation {
        PendingEvaluation::new(self.reader.clone(), self.total_batches, include_train)
    }

    /// Scores at most `max_samples` more samples of `pending`; the evaluation once all are scored.
    pub fn evaluate_some(&self, pending: &mut PendingEvaluation, max_samples: usize) -> Option<Evaluation> {
        pending.advance(self.samples.read_as(pending.reading()), max_samples)
    }
}
