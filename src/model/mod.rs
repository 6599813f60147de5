//! The mathematics of multinomial logistic regression, in f32.
//!
//! Inputs carry a leading bias column of ones, so the weights `A` are K×(D+1) and the logits of a batch
//! `X` (B×(D+1)) are `Z = X·Aᵀ`. The loss is the mean cross-entropy of the softmax of `Z`, and its gradient
//! is `(P − onehot(y))ᵀ·X / B`: exactly the seed homework's update. Internally the weights are stored
//! input-major and padded for the sparse kernels (see [`kernels`]); `Model::weights` gives `A` as K×(D+1).

mod kernels;
mod softmax;
#[cfg(test)]
mod tests;

pub use softmax::SoftmaxMode;
pub(crate) use softmax::{argmax, count_correct, softmax_cross_entropy, softmax_rows};

use crate::data::{SparseRow, SparseRows};
use crate::error::InputError;
use crate::CLASSES;
use kernels::PADDED;
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2};
use serde::Serialize;

/// The logits of each sample row (bias included), into a buffer the caller keeps. Rows are given one by one,
/// so a batch can be read straight from the data set by index.
pub(crate) fn logits_into<'a>(
    rows: impl Iterator<Item = SparseRow<'a>>,
    model: &Model,
    mut logits: ArrayViewMut2<f32>,
) {
    for (row, mut out) in rows.zip(logits.rows_mut()) {
        let padded = kernels::logits(row, &model.blocks);
        out.iter_mut().zip(padded).for_each(|(o, z)| *o = z);
    }
}

/// The gradient `(P − onehot(y))ᵀ · X / B` in the model's input-major layout, with `probs` (B×K) turned
/// into `P − onehot(y)` on the way.
pub(crate) fn gradient_into<'a>(
    rows: impl Iterator<Item = SparseRow<'a>>,
    mut probs: ArrayViewMut2<f32>,
    labels: &[u8],
    gradient: &mut [f32],
) {
    gradient.fill(0.0);
    for ((row, mut p), &label) in rows.zip(probs.rows_mut()).zip(labels) {
        p[label as usize] -= 1.0;
        let mut coefficients = [0.0f32; PADDED];
        coefficients.iter_mut().zip(p.iter()).for_each(|(c, &v)| *c = v);
        kernels::add_outer(&coefficients, row, gradient);
    }
    let scale = 1.0 / labels.len() as f32;
    gradient.iter_mut().for_each(|g| *g *= scale);
}

/// The classifier: K×(D+1) weights, the first column being the bias. It reads images as it is given them;
/// how a trained model prepares them (straightened or not) is the trainer's `Reader`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Inputs per sample, D+1 with the bias.
    inputs: usize,
    /// Input-major weights: input j's K class weights at `j·PADDED..`, then zero padding.
    blocks: Vec<f32>,
}

/// What a linear model adds up to reach its answer for one image: each pixel's contribution `A[c, i]·x[i]`
/// to the logit of the predicted digit and of the runner-up (exact for this model: the logit is their sum
/// plus the bias).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub predicted: usize,
    pub runner_up: usize,
    /// D contributions to the predicted digit's logit.
    pub for_predicted: Vec<f32>,
    /// D contributions to the runner-up's logit.
    pub for_runner_up: Vec<f32>,
    /// The two biases, the rest of each logit.
    pub predicted_bias: f32,
    pub runner_up_bias: f32,
    pub probabilities: [f32; CLASSES],
}

impl Model {
    /// All-zero weights, as in the seed: every class starts equally likely.
    pub fn zeros(features: usize) -> Model {
        Model { inputs: features + 1, blocks: vec![0.0; (features + 1) * PADDED] }
    }

    /// A model with the given K×(D+1) weights.
    pub fn from_weights(weights: ArrayView2<f32>) -> Model {
        assert_eq!(weights.nrows(), CLASSES, "one row of weights per class");
        let mut model = Model::zeros(weights.ncols() - 1);
        for ((k, j), &w) in weights.indexed_iter() {
            model.blocks[j * PADDED + k] = w;
        }
        model
    }

    /// The weights `A`, K×(D+1), the first column being the bias.
    pub fn weights(&self) -> Array2<f32> {
        Array2::from_shape_fn((CLASSES, self.inputs), |(k, j)| self.blocks[j * PADDED + k])
    }

    /// Pixels per sample (D), without the bias.
    pub fn features(&self) -> usize {
        self.inputs - 1
    }

    /// `A -= step · (gradient + decay · A)`, the decay sparing the biases, the gradient being in the layout
    /// of [`gradient_into`].
    pub(crate) fn descend(&mut self, step: f32, decay: f32, gradient: &[f32]) {
        let (bias, pixels) = self.blocks.split_at_mut(PADDED);
        bias.iter_mut().zip(gradient).for_each(|(w, g)| *w -= step * g);
        if decay == 0.0 {
            pixels.iter_mut().zip(&gradient[PADDED..]).for_each(|(w, g)| *w -= step * g);
        } else {
            pixels.iter_mut().zip(&gradient[PADDED..]).for_each(|(w, g)| *w -= step * (g + decay * *w));
        }
    }

    /// Copies the weights (in the internal layout) into `backup`, reusing its allocation.
    pub(crate) fn copy_weights_to(&self, backup: &mut Vec<f32>) {
        backup.clear();
        backup.extend_from_slice(&self.blocks);
    }

    /// Puts back weights saved by [`Model::copy_weights_to`].
    pub(crate) fn restore_weights(&mut self, backup: &[f32]) {
        self.blocks.copy_from_slice(backup);
    }

    /// Whether every weight is a finite number.
    pub(crate) fn is_finite(&self) -> bool {
        self.blocks.iter().all(|w| w.is_finite())
    }

    /// A zeroed gradient buffer in this model's layout.
    pub(crate) fn gradient_buffer(&self) -> Vec<f32> {
        vec![0.0; self.blocks.len()]
    }

    /// Class probabilities (row-wise softmax) of one image given as D pixels, without the bias; refused when
    /// the image does not fit the model.
    pub fn predict(&self, pixels: &[f32]) -> Result<[f32; CLASSES], InputError> {
        self.check_image(pixels)?;
        Ok(self.probabilities(pixels))
    }

    /// The digit the model reads in the image.
    pub fn classify(&self, pixels: &[f32]) -> Result<usize, InputError> {
        Ok(argmax(ndarray::ArrayView1::from(&self.predict(pixels)?)))
    }

    /// The pixel-by-pixel evidence for the predicted digit and the runner-up (see [`Evidence`]).
    pub fn evidence(&self, input: &[f32]) -> Result<Evidence, InputError> {
        self.check_image(input)?;
        let probabilities = self.probabilities(input);
        let mut ranked: Vec<usize> = (0..CLASSES).collect();
        ranked.sort_by(|&a, &b| probabilities[b].total_cmp(&probabilities[a]));
        let (predicted, runner_up) = (ranked[0], ranked[1]);
        let contributions = |class: usize| -> Vec<f32> {
            input.iter().enumerate().map(|(i, &x)| self.blocks[(i + 1) * PADDED + class] * x).collect()
        };
        Ok(Evidence {
            predicted,
            runner_up,
            for_predicted: contributions(predicted),
            for_runner_up: contributions(runner_up),
            predicted_bias: self.blocks[predicted],
            runner_up_bias: self.blocks[runner_up],
            probabilities,
        })
    }

    /// Class probabilities of an image already checked to fit.
    fn probabilities(&self, input: &[f32]) -> [f32; CLASSES] {
        let mut sparse = SparseRows::default();
        sparse.push_sample(input);
        let mut logits = Array2::zeros((1, CLASSES));
        logits_into(sparse.iter(), self, logits.view_mut());
        softmax_rows(&mut logits);
        let mut probs = [0.0; CLASSES];
        probs.iter_mut().zip(logits.iter()).for_each(|(p, &v)| *p = v);
        probs
    }

    /// Whether `pixels` is an image this model reads: D finite values.
    pub fn check_image(&self, pixels: &[f32]) -> Result<(), InputError> {
        if pixels.len() != self.features() {
            return Err(InputError::WrongPixelCount { expected: self.features(), got: pixels.len() });
        }
        match pixels.iter().position(|p| !p.is_finite()) {
            Some(index) => Err(InputError::NonFinitePixel { index, value: pixels[index].to_string() }),
            None => Ok(()),
        }
    }

    /// Correct predictions and summed (row-softmax) cross-entropy over some samples, in chunks to bound memory.
    pub(crate) fn tally<'a>(&self, rows: impl Iterator<Item = SparseRow<'a>>, labels: &[u8]) -> Tally {
        const CHUNK: usize = 256;
        let mut buffer = Array2::zeros((CHUNK.min(labels.len()), CLASSES));
        let mut tally = Tally::default();
        let mut rows = rows;
        for chunk_labels in labels.chunks(CHUNK) {
            let n = chunk_labels.len();
            let mut logits = buffer.slice_mut(s![..n, ..]);
            logits_into(rows.by_ref().take(n), self, logits.view_mut());
            tally.correct += count_correct(logits.view(), chunk_labels);
            let mean_loss = softmax_cross_entropy(logits, chunk_labels, SoftmaxMode::Row);
            tally.loss_sum += f64::from(mean_loss) * n as f64;
            tally.count += n;
        }
        tally
    }
}

/// Running totals of a scoring pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Tally {
    pub(crate) correct: usize,
    pub(crate) loss_sum: f64,
    pub(crate) count: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, other: Tally) {
        self.correct += other.correct;
        self.loss_sum += other.loss_sum;
        self.count += other.count;
    }

    pub(crate) fn accuracy(&self) -> f32 {
        (self.correct as f64 / self.count.max(1) as f64) as f32
    }

    pub(crate) fn mean_loss(&self) -> f32 {
        (self.loss_sum / self.count.max(1) as f64) as f32
    }
}
