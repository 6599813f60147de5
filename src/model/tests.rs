//! The maths: softmax, loss and the gradient, checked against finite differences.

use super::*;
use ndarray::{array, Array2};

/// Mean cross-entropy of a dense batch (bias column included) under `mode`.
fn loss(model: &Model, inputs: ArrayView2<f32>, labels: &[u8], mode: SoftmaxMode) -> f32 {
    let rows = SparseRows::from_dense(inputs.as_slice().expect("contiguous inputs"), inputs.ncols());
    let mut logits = Array2::zeros((inputs.nrows(), CLASSES));
    logits_into(rows.iter(), model, logits.view_mut());
    softmax_cross_entropy(logits.view_mut(), labels, mode)
}

/// The seed's gradient for one dense batch, K×(D+1), computed as the trainer does.
fn gradient(model: &Model, inputs: ArrayView2<f32>, labels: &[u8], mode: SoftmaxMode) -> Array2<f32> {
    let rows = SparseRows::from_dense(inputs.as_slice().expect("contiguous inputs"), inputs.ncols());
    let mut logits = Array2::zeros((inputs.nrows(), CLASSES));
    logits_into(rows.iter(), model, logits.view_mut());
    softmax_cross_entropy(logits.view_mut(), labels, mode);
    let mut gradient = model.gradient_buffer();
    gradient_into(rows.iter(), logits.view_mut(), labels, &mut gradient);
    Model { blocks: gradient, ..model.clone() }.weights()
}

/// A small batch with a bias column, values that are not round, and every class present.
fn batch() -> (Array2<f32>, Vec<u8>) {
    let (rows, features) = (12, 6);
    let inputs = Array2::from_shape_fn((rows, features + 1), |(i, j)| {
        if j == 0 {
            1.0
        } else {
            (((i * 7 + j * 3) % 11) as f32 / 11.0) - 0.3
        }
    });
    let labels = (0..rows).map(|i| (i % 10) as u8).collect();
    (inputs, labels)
}

fn model_with_weights(features: usize) -> Model {
    let weights = Array2::from_shape_fn((10, features + 1), |(k, j)| ((k * 5 + j * 3) % 7) as f32 * 0.1 - 0.3);
    Model::from_weights(weights.view())
}

/// The model with one weight moved by `delta`.
fn nudged(model: &Model, k: usize, j: usize, delta: f32) -> Model {
    let mut weights = model.weights();
    weights[[k, j]] += delta;
    Model::from_weights(weights.view())
}

#[test]
fn row_softmax_makes_each_row_a_distribution() {
    let mut logits = array![[1.0f32, 2.0, 3.0], [1000.0, 0.0, -1000.0]];
    let loss = softmax_cross_entropy(logits.view_mut(), &[2, 2], SoftmaxMode::Row);
    for row in logits.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-6);
    }
    assert!((logits[[0, 2]] - 0.665_240_9).abs() < 1e-6);
    // -log p for a probability that underflows to zero stays finite (log-softmax, no log(0)).
    // Row 0: −log softmax(3 | 1, 2, 3) = log(e⁻² + e⁻¹ + 1); row 1: −log softmax(−1000 | 1000, 0, −1000) = 2000.
    let expected = (((-2.0f32).exp() + (-1.0f32).exp() + 1.0).ln() + 2000.0) / 2.0;
    assert!(loss.is_finite() && (loss - expected).abs() < 1e-3, "loss {loss} vs {expected}");
}

#[test]
fn batch_softmax_normalises_the_whole_batch_like_the_seed_bug() {
    let mut logits = array![[0.0f32, 0.0], [0.0, 0.0]];
    let loss = softmax_cross_entropy(logits.view_mut(), &[0, 1], SoftmaxMode::Batch);
    assert!(logits.iter().all(|&p| (p - 0.25).abs() < 1e-7), "every entry gets 1/4 of the batch");
    assert!((loss - 4.0f32.ln()).abs() < 1e-6);
}

#[test]
fn zero_weights_predict_uniformly_with_loss_log_10() {
    let (inputs, labels) = batch();
    let model = Model::zeros(6);
    assert!((loss(&model, inputs.view(), &labels, SoftmaxMode::Row) - 10f32.ln()).abs() < 1e-6);
    assert!(model.predict(&[0.5; 6]).unwrap().iter().all(|&p| (p - 0.1).abs() < 1e-7));
}

#[test]
fn gradient_matches_finite_differences() {
    let (inputs, labels) = batch();
    let model = model_with_weights(6);
    let gradient = gradient(&model, inputs.view(), &labels, SoftmaxMode::Row);
    let eps = 1e-2f32;
    let mut worst = 0.0f32;
    for k in 0..10 {
        for j in 0..7 {
            let (plus, minus) = (nudged(&model, k, j, eps), nudged(&model, k, j, -eps));
            let numeric = (loss(&plus, inputs.view(), &labels, SoftmaxMode::Row)
                - loss(&minus, inputs.view(), &labels, SoftmaxMode::Row))
                / (2.0 * eps);
            worst = worst.max((numeric - gradient[[k, j]]).abs());
        }
    }
    assert!(worst < 2e-4, "largest difference from finite differences: {worst}");
    assert!(gradient.iter().any(|g| g.abs() > 1e-2), "the check is not vacuous");
}

#[test]
fn gradient_of_each_bias_is_the_mean_of_p_minus_onehot() {
    let (inputs, labels) = batch();
    let model = model_with_weights(6);
    let gradient = gradient(&model, inputs.view(), &labels, SoftmaxMode::Row);
    let mut mean = [0.0f32; 10];
    for (i, &label) in labels.iter().enumerate() {
        let pixels: Vec<f32> = inputs.row(i).iter().skip(1).copied().collect();
        let probabilities = model.predict(&pixels).unwrap();
        for (k, p) in probabilities.iter().enumerate() {
            mean[k] += (p - f32::from(u8::from(usize::from(label) == k))) / labels.len() as f32;
        }
    }
    for (k, expected) in mean.iter().enumerate() {
        assert!((gradient[[k, 0]] - expected).abs() < 1e-6, "class {k}: {} ≠ {expected}", gradient[[k, 0]]);
    }
    assert!(mean.iter().any(|m| m.abs() > 1e-2), "the check is not vacuous");
}

#[test]
fn predict_agrees_with_the_batched_maths() {
    let (inputs, labels) = batch();
    let model = model_with_weights(6);
    let rows = SparseRows::from_dense(inputs.as_slice().unwrap(), 7);
    let mut probs = Array2::zeros((12, 10));
    logits_into(rows.iter(), &model, probs.view_mut());
    softmax_cross_entropy(probs.view_mut(), &labels, SoftmaxMode::Row);
    for i in 0..12 {
        let pixels: Vec<f32> = inputs.row(i).iter().skip(1).copied().collect();
        let single = model.predict(&pixels).unwrap();
        for k in 0..10 {
            assert!((single[k] - probs[[i, k]]).abs() < 1e-6);
        }
    }
}

#[test]
fn weights_round_trip_through_the_internal_layout() {
    let model = model_with_weights(6);
    let weights = model.weights();
    assert_eq!(weights.dim(), (10, 7));
    assert_eq!(weights[[3, 5]], ((3 * 5 + 5 * 3) % 7) as f32 * 0.1 - 0.3);
    assert_eq!(Model::from_weights(weights.view()), model);
}

#[test]
fn sparse_rows_keep_exactly_the_non_zero_values() {
    let dense = [1.0, 0.0, 0.5, 0.0, 0.0, 2.0, 0.0, 0.0];
    let rows = SparseRows::from_dense(&dense, 4);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows.row(0).indices, rows.row(0).values), (&[0, 2][..], &[1.0, 0.5][..]));
    assert_eq!((rows.row(1).indices, rows.row(1).values), (&[1][..], &[2.0][..]));
}
