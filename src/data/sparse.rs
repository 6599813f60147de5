//! Samples kept sparsely: four fifths of an MNIST image is blank, so each sample is kept as the positions and
//! values of its non-zero inputs (compressed sparse rows). A blank pixel costs nothing to hold or to train on.

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
