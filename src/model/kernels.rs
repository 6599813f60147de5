//! Hand-written f32 kernels for this model's shapes: sparse rows of ~785 inputs against 10 classes.
//!
//! Samples arrive sparsely (the positions and values of their non-zero inputs, the bias included: see
//! [`crate::data::SparseRows`]), and the weights are kept input-major: the 10 class weights of one input are
//! one block, padded to 12 values (three 4-wide SIMD vectors). The forward pass adds, for
//! each non-zero input, its value times its block of weights to the 12 logits; the backward pass adds its
//! value times the 12 output errors to its block of the gradient. Zero inputs contribute exactly zero to
//! both, so skipping them changes nothing but the time. The fixed-size inner loops are what LLVM turns into
//! SIMD (simd128 in wasm, SSE natively) without unsafe code; ndarray's general matmul has no SIMD kernel for
//! wasm32 and cannot skip zeros.

use crate::data::SparseRow;

/// Classes padded to a multiple of the 4-wide SIMD vector.
pub const PADDED: usize = 12;

/// The (padded) logits of one sample: `Σ_j x_j · weights[j]`, `weights` holding a PADDED-value block per
/// input.
#[inline]
pub fn logits(row: SparseRow, weights: &[f32]) -> [f32; PADDED] {
    // Two sets of sums, for alternate inputs, added at the end: with one set every addition waited for the
    // previous one, and that chain, not the arithmetic, set the pace (this doubled the speed in Chromium).
    let (mut even, mut odd) = ([0.0f32; PADDED], [0.0f32; PADDED]);
    let pairs = row.indices.chunks_exact(2).zip(row.values.chunks_exact(2));
    for (index, value) in pairs {
        add_scaled(&mut even, value[0], block(weights, index[0]));
        add_scaled(&mut odd, value[1], block(weights, index[1]));
    }
    if let (Some(&index), Some(&value), true) = (row.indices.last(), row.values.last(), row.indices.len() % 2 == 1) {
        add_scaled(&mut even, value, block(weights, index));
    }
    for (sum, &other) in even.iter_mut().zip(&odd) {
        *sum += other;
    }
    even
}

/// Input `index`'s block of PADDED weights.
#[inline]
fn block(weights: &[f32], index: u32) -> &[f32; PADDED] {
    let start = index as usize * PADDED;
    weights[start..start + PADDED].try_into().expect("a whole block")
}

/// `sums += value · block`, lane by lane.
#[inline]
fn add_scaled(sums: &mut [f32; PADDED], value: f32, block: &[f32; PADDED]) {
    for (sum, &w) in sums.iter_mut().zip(block) {
        *sum += value * w;
    }
}

/// `gradient[j] += x_j · coefficients` for every non-zero input j of one sample (its share of the
/// batch's outer product `(P − Y)ᵀ·X`), the gradient being laid out like the weights.
#[inline]
pub fn add_outer(coefficients: &[f32; PADDED], row: SparseRow, gradient: &mut [f32]) {
    for (&index, &value) in row.indices.iter().zip(row.values) {
        let start = index as usize * PADDED;
        let block: &mut [f32; PADDED] = (&mut gradient[start..start + PADDED]).try_into().expect("a whole block");
        for (g, &c) in block.iter_mut().zip(coefficients) {
            *g += value * c;
        }
    }
}
