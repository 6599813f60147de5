//! The mathematics of multinomial logistic regression, in f32.
//!
//! Inputs carry a leading bias column of ones, so the weights `A` are K×(D+1) and the logits of a batch
//! `X` (B×(D+1)) are `Z = X·Aᵀ`. The loss is the mean cross-entropy of the softmax of `Z`, and its gradient
//! is `(P − onehot(y))ᵀ·X / B`: exactly the seed homework's update. Internally the weights are stored
//! input-major and padded for the sparse kernels (see [`kernels`]); `Model::weights` gives `A` as K×(D+1).

use crate::data::CLASSES;
use crate::kernels::{self, SparseRow, SparseRows, PADDED};
use ndarray::{s, Array2, ArrayView1, ArrayView2, ArrayViewMut2};

/// How the softmax is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoftmaxMode {
    /// Per sample (row), as it must be: each row of probabilities sums to one.
    #[default]
    Row,
    /// Over the whole batch at once: the seed homework's bug (`exps / np.sum(exps)`), kept to show its effect.
    Batch,
}

named_variants!(SoftmaxMode, "softmax", { Row => "row", Batch => "batch" });

/// The logits of each sample row (bias included), into a buffer the caller keeps. Rows are given one by one,
/// so a batch can be read straight from the data set by index.
pub fn logits_into<'a>(rows: impl Iterator<Item = SparseRow<'a>>, model: &Model, mut logits: ArrayViewMut2<f32>) {
    for (row, mut out) in rows.zip(logits.rows_mut()) {
        let padded = kernels::logits(row, &model.blocks);
        out.iter_mut().zip(padded).for_each(|(o, z)| *o = z);
    }
}

/// Turns logits into probabilities in place and returns the mean cross-entropy of `labels`.
///
/// The loss uses log-softmax (`log p = z − max − log Σ exp(z − max)`), so it is finite even when a
/// probability underflows to zero.
pub fn softmax_cross_entropy(mut logits: ArrayViewMut2<f32>, labels: &[u8], mode: SoftmaxMode) -> f32 {
    debug_assert_eq!(logits.nrows(), labels.len());
    let rows = logits.nrows();
    let mut loss_sum = 0.0f64;
    match mode {
        SoftmaxMode::Row => {
            for (mut row, &label) in logits.rows_mut().into_iter().zip(labels) {
                let row = as_slice(row.as_slice_mut());
                let true_logit = row[label as usize];
                let (max, sum) = softmax_in_place(row);
                loss_sum += f64::from(sum.ln() - (true_logit - max));
            }
        }
        SoftmaxMode::Batch => {
            let max = logits.fold(f32::NEG_INFINITY, |m, &z| m.max(z));
            for (row, &label) in logits.rows().into_iter().zip(labels) {
                loss_sum -= f64::from(row[label as usize] - max);
            }
            let mut sum = 0.0f32;
            logits.mapv_inplace(|z| {
                let e = (z - max).exp();
                sum += e;
                e
            });
            loss_sum += rows as f64 * f64::from(sum.ln());
            let inv = 1.0 / sum;
            logits.mapv_inplace(|e| e * inv);
        }
    }
    (loss_sum / rows as f64) as f32
}

/// Row-wise softmax in place, for predictions.
pub fn softmax_rows(logits: &mut Array2<f32>) {
    for mut row in logits.rows_mut() {
        softmax_in_place(as_slice(row.as_slice_mut()));
    }
}

/// One sample's logits as a plain slice: ndarray's per-row iterators cost more than the arithmetic on ten
/// values.
fn as_slice(row: Option<&mut [f32]>) -> &mut [f32] {
    row.expect("logits are rows of contiguous values")
}

/// Softmax of one row in place; returns the row's largest logit and `Σ exp(z − max)`, for the loss.
#[inline]
fn softmax_in_place(row: &mut [f32]) -> (f32, f32) {
    // A comparison rather than f32::max, which wasm compiles to a libm call (its NaN rules differ).
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &z| if z > m { z } else { m });
    let mut sum = 0.0f32;
    for z in row.iter_mut() {
        *z = (*z - max).exp();
        sum += *z;
    }
    let inv = 1.0 / sum;
    row.iter_mut().for_each(|e| *e *= inv);
    (max, sum)
}

/// Index of the largest value (the first one on ties).
pub fn argmax(values: ArrayView1<f32>) -> usize {
    values.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (k, &v)| if v > best.1 { (k, v) } else { best }).0
}

/// How many rows of logits (or probabilities) put their largest value on the label.
pub fn count_correct(logits: ArrayView2<f32>, labels: &[u8]) -> usize {
    logits.rows().into_iter().zip(labels).filter(|(row, &label)| argmax(row.view()) == label as usize).count()
}

/// The gradient `(P − onehot(y))ᵀ · X / B` in the model's input-major layout, with `probs` (B×K) turned
/// into `P − onehot(y)` on the way.
pub fn gradient_into<'a>(
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

/// The classifier: K×(D+1) weights, the first column being the bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Inputs per sample, D+1 with the bias.
    inputs: usize,
    /// Input-major weights: input j's K class weights at `j·PADDED..`, then zero padding.
    blocks: Vec<f32>,
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
    pub fn descend(&mut self, step: f32, decay: f32, gradient: &[f32]) {
        let (bias, pixels) = self.blocks.split_at_mut(PADDED);
        bias.iter_mut().zip(gradient).for_each(|(w, g)| *w -= step * g);
        if decay == 0.0 {
            pixels.iter_mut().zip(&gradient[PADDED..]).for_each(|(w, g)| *w -= step * g);
        } else {
            pixels.iter_mut().zip(&gradient[PADDED..]).for_each(|(w, g)| *w -= step * (g + decay * *w));
        }
    }

    /// Copies the weights (in the internal layout) into `backup`, reusing its allocation.
    pub fn copy_weights_to(&self, backup: &mut Vec<f32>) {
        backup.clear();
        backup.extend_from_slice(&self.blocks);
    }

    /// Puts back weights saved by [`Model::copy_weights_to`].
    pub fn restore_weights(&mut self, backup: &[f32]) {
        self.blocks.copy_from_slice(backup);
    }

    /// Whether every weight is a finite number.
    pub fn is_finite(&self) -> bool {
        self.blocks.iter().all(|w| w.is_finite())
    }

    /// A zeroed gradient buffer in this model's layout.
    pub fn gradient_buffer(&self) -> Vec<f32> {
        vec![0.0; self.blocks.len()]
    }

    /// Mean cross-entropy of a batch under `mode` (for tests and one-off uses; allocates).
    pub fn loss(&self, inputs: ArrayView2<f32>, labels: &[u8], mode: SoftmaxMode) -> f32 {
        let rows = SparseRows::from_dense(inputs.as_slice().expect("contiguous inputs"), inputs.ncols());
        let mut logits = Array2::zeros((inputs.nrows(), CLASSES));
        logits_into(rows.iter(), self, logits.view_mut());
        softmax_cross_entropy(logits.view_mut(), labels, mode)
    }

    /// The gradient of the seed's update for one batch, K×(D+1) (for tests; the trainer keeps its buffers).
    pub fn gradient(&self, inputs: ArrayView2<f32>, labels: &[u8], mode: SoftmaxMode) -> Array2<f32> {
        let rows = SparseRows::from_dense(inputs.as_slice().expect("contiguous inputs"), inputs.ncols());
        let mut logits = Array2::zeros((inputs.nrows(), CLASSES));
        logits_into(rows.iter(), self, logits.view_mut());
        softmax_cross_entropy(logits.view_mut(), labels, mode);
        let mut gradient = self.gradient_buffer();
        gradient_into(rows.iter(), logits.view_mut(), labels, &mut gradient);
        Model { inputs: self.inputs, blocks: gradient }.weights()
    }

    /// Class probabilities (row-wise softmax) of one sample given as D pixels, without the bias.
    pub fn predict(&self, pixels: &[f32]) -> [f32; CLASSES] {
        assert_eq!(pixels.len(), self.features(), "one sample has {} pixels", self.features());
        let mut sparse = SparseRows::default();
        sparse.push_sample(pixels);
        let mut logits = Array2::zeros((1, CLASSES));
        logits_into(sparse.iter(), self, logits.view_mut());
        softmax_rows(&mut logits);
        let mut probs = [0.0; CLASSES];
        probs.iter_mut().zip(logits.iter()).for_each(|(p, &v)| *p = v);
        probs
    }

    /// Correct predictions and summed (row-softmax) cross-entropy over some samples, in chunks to bound memory.
    pub fn tally<'a>(&self, rows: impl Iterator<Item = SparseRow<'a>>, labels: &[u8]) -> Tally {
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
pub struct Tally {
    pub correct: usize,
    pub loss_sum: f64,
    pub count: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.correct += other.correct;
        self.loss_sum += other.loss_sum;
        self.count += other.count;
    }

    pub fn accuracy(&self) -> f32 {
        (self.correct as f64 / self.count.max(1) as f64) as f32
    }

    pub fn mean_loss(&self) -> f32 {
        (self.loss_sum / self.count.max(1) as f64) as f32
    }
}
