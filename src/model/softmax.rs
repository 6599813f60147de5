//! The softmax and what is read off it: probabilities, the cross-entropy loss, the predicted digit.

use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2};

/// How the softmax is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoftmaxMode {
    /// Per sample (row), as it must be: each row of probabilities sums to one.
    #[default]
    Row,
    /// Over the whole batch at once: the seed homework's bug (`exps / np.sum(exps)`), kept to show its effect.
    Batch,
}

named_variants!(SoftmaxMode, { Row => "row", Batch => "batch" });

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
