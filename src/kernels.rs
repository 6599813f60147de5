//! Hand-written f32 kernels for this model's shapes: sparse rows of ~785 inputs against 10 classes.
//!
//! Four fifths of an MNIST image is blank, so every sample is also kept sparsely (the positions and values
//! of its non-zero inputs, the bias included), and the weights are kept input-major: the 10 class weights
//! of one input are one block, padded to 12 values (three 4-wide SIMD vectors). The forward pass adds, for
//! each non-zero input, its value times its block of weights to the 12 logits; the backward pass adds its
//! value times the 12 output errors to its block of the gradient. Zero inputs contribute exactly zero to
//! both, so skipping them changes nothing but the time. The fixed-size inner loops are what LLVM turns into
//! SIMD (simd128 in wasm, SSE natively) without unsafe code; ndarray's general matmul has no SIMD kernel for
//! wasm32 and cannot skip zeros.

/// Classes padded to a multiple of the 4-wide SIMD vector.
pub const PADDED: usize = 12;

/// One sample, sparsely: the positions and values of its non-zero inputs, in increasing position.
#[derive(Debug, Clone, Copy)]
pub struct SparseRow<'a> {
    pub indices: &'a [u32],
    pub values: &'a [f32],
}

/// The rows of a row-major matrix, sparsely (compressed sparse rows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseRows {
    offsets: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl SparseRows {
    /// The non-zero values of each `width`-wide row of `values`.
    pub fn from_dense(values: &[f32], width: usize) -> SparseRows {
        let mut rows = SparseRows { offsets: vec![0], ..SparseRows::default() };
        for row in values.chunks_exact(width.max(1)) {
            rows.push_row(row.iter().copied().enumerate());
        }
        rows
    }

    /// Appends a row given as (position, value) pairs in increasing position; zeros are skipped.
    pub fn push_row(&mut self, values: impl Iterator<Item = (usize, f32)>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for (index, value) in values.filter(|&(_, v)| v != 0.0) {
            self.indices.push(index as u32);
            self.values.push(value);
        }
        self.offsets.push(self.indices.len());
    }

    /// Sets the first value of every row back to 1: the bias, after a [`SparseRows::scale`].
    pub fn reset_bias(&mut self) {
        for &start in &self.offsets[..self.offsets.len().saturating_sub(1)] {
            self.values[start] = 1.0;
        }
    }

    /// Appends a design-matrix row for one sample: the bias of 1, then its non-zero `pixels`.
    pub fn push_sample(&mut self, pixels: &[f32]) {
        self.push_row(std::iter::once((0, 1.0)).chain(pixels.iter().enumerate().map(|(i, &v)| (i + 1, v))));
    }

    /// Multiplies every stored value by `factor`.
    pub fn scale(&mut self, factor: f32) {
        self.values.iter_mut().for_each(|v| *v *= factor);
    }

    /// Row `index` written out in full, `width` values.
    pub fn dense_row(&self, index: usize, width: usize) -> Vec<f32> {
        let mut dense = vec![0.0; width];
        let row = self.row(index);
        for (&i, &v) in row.indices.iter().zip(row.values) {
            dense[i as usize] = v;
        }
        dense
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn row(&self, index: usize) -> SparseRow<'_> {
        let (start, end) = (self.offsets[index], self.offsets[index + 1]);
        SparseRow { indices: &self.indices[start..end], values: &self.values[start..end] }
    }

    pub fn iter(&self) -> impl Iterator<Item = SparseRow<'_>> {
        (0..self.len()).map(|index| self.row(index))
    }
}

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
