//! One step of stochastic gradient descent (logits → loss → gradient → descend), used by training runs and
//! by lessons alike, with the buffers it reuses so that a step allocates nothing.

use crate::data::SparseRow;
use crate::model::{count_correct, gradient_into, logits_into, softmax_cross_entropy, Model, SoftmaxMode};
use crate::CLASSES;
use ndarray::Array2;

/// What one step saw: the batch's mean loss and how many of its samples the model read right, both before
/// the step; and whether the numbers overflowed.
#[derive(Debug, Clone, Copy)]
pub(super) struct StepOutcome {
    pub(super) loss: f32,
    pub(super) correct: usize,
    pub(super) overflowed: bool,
}

/// How the weights move in one step.
#[derive(Debug, Clone, Copy)]
pub(super) struct Descent {
    pub(super) softmax: SoftmaxMode,
    pub(super) rate: f32,
    pub(super) weight_decay: f32,
}

#[derive(Debug, Clone)]
pub(super) struct Sgd {
    logits: Array2<f32>,
    gradient: Vec<f32>,
    /// The last weights whose batch loss was finite, to fall back on if the numbers overflow.
    last_finite_weights: Vec<f32>,
}

impl Sgd {
    pub(super) fn new(model: &Model) -> Sgd {
        let mut sgd = Sgd {
            logits: Array2::zeros((0, CLASSES)),
            gradient: model.gradient_buffer(),
            last_finite_weights: Vec::new(),
        };
        sgd.keep(model);
        sgd
    }

    /// Takes `model`'s weights as the ones to fall back on.
    pub(super) fn keep(&mut self, model: &Model) {
        model.copy_weights_to(&mut self.last_finite_weights);
    }

    /// `A ← A − rate · (∇loss + weight_decay · A)` (the decay sparing the biases) on the batch `rows()`
    /// labelled `labels` (`rows` is called twice: for the logits, then for the gradient). If the loss or the
    /// new weights are not finite, the model goes back to the last weights whose loss was finite.
    pub(super) fn step<'a, Rows>(
        &mut self,
        model: &mut Model,
        rows: impl Fn() -> Rows,
        labels: &[u8],
        descent: Descent,
    ) -> StepOutcome
    where
        Rows: Iterator<Item = SparseRow<'a>>,
    {
        if self.logits.nrows() != labels.len() {
            self.logits = Array2::zeros((labels.len(), CLASSES));
        }
        logits_into(rows(), model, self.logits.view_mut());
        let correct = count_correct(self.logits.view(), labels);
        let loss = softmax_cross_entropy(self.logits.view_mut(), labels, descent.softmax);
        if !loss.is_finite() {
            model.restore_weights(&self.last_finite_weights);
            return StepOutcome { loss, correct, overflowed: true };
        }
        self.keep(model);
        gradient_into(rows(), self.logits.view_mut(), labels, &mut self.gradient);
        model.descend(descent.rate, descent.weight_decay, &self.gradient);
        let overflowed = !model.is_finite();
        if overflowed {
            model.restore_weights(&self.last_finite_weights);
        }
        StepOutcome { loss, correct, overflowed }
    }
}
