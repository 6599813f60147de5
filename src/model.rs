//! The mathematics of multinomial logistic regression, in f32.
//!
//! Inputs carry a leading bias column of ones, so the weights `A` are K×(D+1) and the logits of a batch
//! `X` (B×(D+1)) are `Z = X·Aᵀ`. The loss is the mean cross-entropy of the softmax of `Z`, and its gradient
//! is `(P − onehot(y))ᵀ·X / B`: exactly the seed homework's update.

use crate::data::CLASSES;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis};
use std::fmt;
use std::str::FromStr;

/// How the softmax is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoftmaxMode {
    /// Per sample (row), as it must be: each row of probabilities sums to one.
    #[default]
    Row,
    /// Over the whole batch at once: the seed homework's bug (`exps / np.sum(exps)`), kept to show its effect.
    Batch,
}

impl FromStr for SoftmaxMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "row" => Ok(SoftmaxMode::Row),
            "batch" => Ok(SoftmaxMode::Batch),
            other => Err(format!("softmax must be \"row\" or \"batch\", not {other:?}")),
        }
    }
}

impl fmt::Display for SoftmaxMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SoftmaxMode::Row => "row",
            SoftmaxMode::Batch => "batch",
        })
    }
}

/// `logits = inputs · weightsᵀ`, written into a buffer the caller keeps (no allocation).
pub fn linear_into(inputs: ArrayView2<f32>, weights: ArrayView2<f32>, mut logits: ArrayViewMut2<f32>) {
    general_mat_mul(1.0, &inputs, &weights.t(), 0.0, &mut logits);
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
                let max = row.fold(f32::NEG_INFINITY, |m, &z| m.max(z));
                let true_logit = row[label as usize];
                let mut sum = 0.0f32;
                row.mapv_inplace(|z| {
                    let e = (z - max).exp();
                    sum += e;
                    e
                });
                loss_sum += f64::from(sum.ln() - (true_logit - max));
                let inv = 1.0 / sum;
                row.mapv_inplace(|e| e * inv);
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
        let max = row.fold(f32::NEG_INFINITY, |m, &z| m.max(z));
        row.mapv_inplace(|z| (z - max).exp());
        let inv = 1.0 / row.sum();
        row.mapv_inplace(|e| e * inv);
    }
}

/// Index of the largest value (the first one on ties).
pub fn argmax(values: ArrayView1<f32>) -> usize {
    values.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (k, &v)| if v > best.1 { (k, v) } else { best }).0
}

/// How many rows of logits (or probabilities) put their largest value on the label.
pub fn count_correct(logits: ArrayView2<f32>, labels: &[u8]) -> usize {
    logits.rows().into_iter().zip(labels).filter(|(row, &label)| argmax(row.view()) == label as usize).count()
}

/// `gradient = (P − onehot(y))ᵀ · X / B`; `probs` is turned into `P − onehot(y)` on the way.
pub fn gradient_into(
    mut probs: ArrayViewMut2<f32>,
    labels: &[u8],
    inputs: ArrayView2<f32>,
    gradient: &mut Array2<f32>,
) {
    for (mut row, &label) in probs.rows_mut().into_iter().zip(labels) {
        row[label as usize] -= 1.0;
    }
    let scale = 1.0 / inputs.nrows() as f32;
    general_mat_mul(scale, &probs.t(), &inputs, 0.0, gradient);
}

/// The classifier: K×(D+1) weights, the first column being the bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub weights: Array2<f32>,
}

impl Model {
    /// All-zero weights, as in the seed: every class starts equally likely.
    pub fn zeros(features: usize) -> Model {
        Model { weights: Array2::zeros((CLASSES, features + 1)) }
    }

    /// Pixels per sample (D), without the bias.
    pub fn features(&self) -> usize {
        self.weights.ncols() - 1
    }

    /// Mean cross-entropy of a batch under `mode` (used by tests and evaluation; allocates).
    pub fn loss(&self, inputs: ArrayView2<f32>, labels: &[u8], mode: SoftmaxMode) -> f32 {
        let mut logits = Array2::zeros((inputs.nrows(), CLASSES));
        linear_into(inputs, self.weights.view(), logits.view_mut());
        softmax_cross_entropy(logits.view_mut(), labels, mode)
    }

    /// The gradient of the seed's update for one batch (allocates; the trainer uses its own buffers).
    pub fn gradient(&self, inputs: ArrayView2<f32>, labels: &[u8], mode: SoftmaxMode) -> Array2<f32> {
        let mut logits = Array2::zeros((inputs.nrows(), CLASSES));
        linear_into(inputs, self.weights.view(), logits.view_mut());
        softmax_cross_entropy(logits.view_mut(), labels, mode);
        let mut gradient = Array2::zeros(self.weights.raw_dim());
        gradient_into(logits.view_mut(), labels, inputs, &mut gradient);
        gradient
    }

    /// Class probabilities (row-wise softmax) of one sample given as D pixels, without the bias.
    pub fn predict(&self, pixels: &[f32]) -> [f32; CLASSES] {
        assert_eq!(pixels.len(), self.features(), "one sample has {} pixels", self.features());
        let mut logits = Array2::zeros((1, CLASSES));
        for (k, row) in self.weights.rows().into_iter().enumerate() {
            let row = row.as_slice().expect("weights are contiguous");
            logits[[0, k]] = row[0] + row[1..].iter().zip(pixels).map(|(a, x)| a * x).sum::<f32>();
        }
        softmax_rows(&mut logits);
        let mut probs = [0.0; CLASSES];
        probs.iter_mut().zip(logits.iter()).for_each(|(p, &v)| *p = v);
        probs
    }

    /// Correct predictions and summed (row-softmax) cross-entropy over some samples, in chunks to bound memory.
    pub fn tally(&self, inputs: ArrayView2<f32>, labels: &[u8]) -> Tally {
        const CHUNK: usize = 256;
        let mut buffer = Array2::zeros((CHUNK.min(labels.len()), CLASSES));
        let mut tally = Tally::default();
        for (chunk, chunk_labels) in inputs.axis_chunks_iter(Axis(0), CHUNK).zip(labels.chunks(CHUNK)) {
            let mut logits = buffer.slice_mut(s![..chunk.nrows(), ..]);
            linear_into(chunk, self.weights.view(), logits.view_mut());
            tally.correct += count_correct(logits.view(), chunk_labels);
            let mean_loss = softmax_cross_entropy(logits, chunk_labels, SoftmaxMode::Row);
            tally.loss_sum += f64::from(mean_loss) * chunk.nrows() as f64;
            tally.count += chunk.nrows();
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
