//! Teaching: the visitor's corrections, learnt one at a time the moment they are made, and kept so that
//! later runs train on them too.

use super::sgd::Descent;
use super::Trainer;
use crate::data::digit_label;
use crate::error::InputError;
use crate::model::{argmax, logits_into, Model, SoftmaxMode};
use crate::CLASSES;
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

/// A drawing the visitor labelled: its pixels as given (MNIST's form, before any deskewing) and its digit.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub pixels: Vec<f32>,
    pub label: u8,
}

impl Correction {
    /// A correction `model` can learn: an image that fits it, and a digit.
    pub fn new(pixels: &[f32], label: u8, model: &Model) -> Result<Correction, InputError> {
        model.check_image(pixels)?;
        let label = digit_label(f64::from(label)).ok_or_else(|| InputError::Label(label.to_string()))?;
        Ok(Correction { pixels: pixels.to_vec(), label })
    }
}

/// What teaching one drawing did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lesson {
    /// SGD steps taken.
    pub steps: usize,
    /// Whether the model now reads the drawing as its label.
    pub learned: bool,
    /// How many of all the corrections (this one included) the model now reads right.
    pub corrections_read_right: usize,
}

/// Most SGD steps one correction may take. The constants below were tuned on drawings held apart from those
/// the README reports on (`cargo run --release --example drawn_digits teach`).
const LESSON_STEPS: usize = 50;
/// Training samples replayed in each of a lesson's steps, so the model does not forget what it knew.
const LESSON_REPLAY: usize = 160;
/// How many times the new drawing counts in each of its lesson's batches, against one for each earlier
/// correction and replayed sample.
const LESSON_WEIGHT: usize = 4;
/// How a lesson's steps move the weights.
const LESSON_DESCENT: Descent = Descent { softmax: SoftmaxMode::Row, rate: 0.75, weight_decay: 0.0 };

impl Trainer {
    /// Teaches the model one drawing (`pixels` in MNIST's form, as `predict` takes them) labelled `label`, at
    /// once: SGD steps on a batch of that drawing, every earlier correction and replayed training samples
    /// (so it neither undoes an earlier correction nor forgets what it knew), until it reads the drawing as
    /// `label` and reads no fewer earlier corrections right than before, or [`LESSON_STEPS`] steps have run.
    /// The correction is kept: runs that begin from now on train on it too. Refused input changes nothing.
    pub fn teach(&mut self, pixels: &[f32], label: u8) -> Result<Lesson, InputError> {
        let correction = Correction::new(pixels, label, self.reader.model())?;
        let label = correction.label;
        self.taught.push(correction);
        // Every correction as the model reads it: the newest last.
        let lesson_rows = self.reader.rows(self.taught.iter().map(|correction| &correction.pixels[..]));
        let lesson_labels: Vec<u8> = self.taught.iter().map(|correction| correction.label).collect();
        let newest = self.taught.len() - 1;
        let read_right = |model: &Model| {
            let mut logits = Array2::zeros((lesson_labels.len(), CLASSES));
            logits_into(lesson_rows.iter(), model, logits.view_mut());
            let right: Vec<bool> = logits
                .rows()
                .into_iter()
                .zip(&lesson_labels)
                .map(|(row, &label)| argmax(row) == usize::from(label))
                .collect();
            (right[newest], right[..newest].iter().filter(|&&r| r).count())
        };
        let (_, earlier_right) = read_right(self.reader.model());
        let train = &self.samples.read_as(self.reader.reading()).train;
        // The same draws for the same correction, so a lesson can be replayed exactly.
        let mut rng = Pcg64Mcg::seed_from_u64(self.taught.len() as u64);
        let replayed = LESSON_REPLAY.min(train.len());
        let mut labels = Vec::with_capacity(LESSON_WEIGHT + newest + replayed);
        let mut steps = 0;
        let mut learned = read_right(self.reader.model());
        while steps < LESSON_STEPS && !(learned.0 && learned.1 >= earlier_right) {
            let samples: Vec<usize> = (0..replayed).map(|_| rng.gen_range(0..train.len())).collect();
            let rows = || {
                std::iter::repeat_n(lesson_rows.row(newest), LESSON_WEIGHT)
                    .chain((0..newest).map(|i| lesson_rows.row(i)))
                    .chain(samples.iter().map(|&i| train.row(i)))
            };
            labels.clear();
            labels.extend(std::iter::repeat_n(label, LESSON_WEIGHT));
            labels.extend_from_slice(&lesson_labels[..newest]);
            labels.extend(samples.iter().map(|&i| train.labels[i]));
            self.sgd.step(self.reader.model_mut(), rows, &labels, LESSON_DESCENT);
            steps += 1;
            learned = read_right(self.reader.model());
        }
        self.sgd.keep(self.reader.model());
        Ok(Lesson { steps, learned: learned.0, corrections_read_right: learned.1 + usize::from(learned.0) })
    }

    /// Whether the model reads a correction as its label.
    fn reads(&self, correction: &Correction) -> bool {
        self.reader.classify(&correction.pixels).is_ok_and(|digit| digit == usize::from(correction.label))
    }

    /// How many corrections the model reads as their labels.
    pub fn corrections_read_right(&self) -> usize {
        self.taught.iter().filter(|correction| self.reads(correction)).count()
    }

    /// The visitor's corrections, oldest first.
    pub fn corrections(&self) -> &[Correction] {
        &self.taught
    }

    /// Forgets correction `index`: the model keeps what it learned from it, but runs that begin from now on do
    /// not train on it.
    pub fn remove_correction(&mut self, index: usize) -> Result<(), InputError> {
        if index >= self.taught.len() {
            return Err(InputError::NoSuchCorrection { index, count: self.taught.len() });
        }
        self.taught.remove(index);
        Ok(())
    }

    /// Forgets every correction (the model keeps what it learned; runs that begin from now on do not train on
    /// them).
    pub fn clear_corrections(&mut self) {
        self.taught.clear();
    }

    /// Takes `corrections` as the visitor's (e.g. a saved model's), replacing any there were; runs that
    /// begin from now on train on them.
    pub fn set_corrections(&mut self, corrections: Vec<Correction>) -> Result<(), InputError> {
        for correction in &corrections {
            Correction::new(&correction.pixels, correction.label, self.reader.model())?;
        }
        self.taught = corrections;
        Ok(())
    }
}
