//! Samples kept sparsely: four fifths of an MNIST image is blank, so each sample is kept as the positions and
//! values of its non-zero inputs (compressed sparse rows). A blank pixel costs nothing to hold or to train on.
//!
//! The values are kept in blocks of bounded size rather than one vector: a vector grows by doubling, which
//! holds its old and new buffers at once, up to three times the data, and wasm memory never shrinks. Blocks
//! never move once full, so a data set of any size is built holding at most one block more than it needs.

/// One sample, sparsely: the positions and values of its non-zero inputs, in increasing position.
#[derive(Debug, Clone, Copy)]
pub struct SparseRow<'a> {
    pub indices: &'a [u32],
    pub values: &'a [f32],
}

/// Values a block holds (2 MiB of positions and values together).
const BLOCK: usize = 256 * 1024;

#[derive(Debug, Clone, Default)]
struct Block {
    indices: Vec<u32>,
    values: Vec<f32>,
}

/// The rows of a row-major matrix, sparsely (compressed sparse rows, in blocks).
#[derive(Debug, Clone, Default)]
pub struct SparseRows {
    blocks: Vec<Block>,
    /// Each row's block, and where it starts and ends in it.
    rows: Vec<(u32, u32, u32)>,
    /// Where the row being built starts in the last block.
    row_start: usize,
}

impl SparseRows {
    /// The non-zero values of each `width`-wide row of `values`.
    pub fn from_dense(values: &[f32], width: usize) -> SparseRows {
        let mut rows = SparseRows::default();
        for row in values.chunks_exact(width.max(1)) {
            rows.push_row(row.iter().copied().enumerate());
        }
        rows
    }

    /// Appends a row given as (position, value) pairs in increasing position; zeros are skipped.
    pub fn push_row(&mut self, values: impl Iterator<Item = (usize, f32)>) {
        self.begin_row();
        for (index, value) in values {
            self.push_value(index as u32, value);
        }
        self.end_row();
    }

    /// Appends a design-matrix row for one sample: the bias of 1, then its non-zero `pixels`.
    pub fn push_sample(&mut self, pixels: &[f32]) {
        self.begin_sample();
        let block = self.make_room(pixels.len());
        // Every pixel is written, and the end moves past the non-zero ones only: no branch on the value,
        // which the processor would guess wrong at each edge of a stroke (that was most of the time it took).
        let start = block.values.len();
        block.indices.resize(start + pixels.len(), 0);
        block.values.resize(start + pixels.len(), 0.0);
        let (indices, values) = (&mut block.indices[start..], &mut block.values[start..]);
        let mut kept = 0;
        for (position, &value) in (1..).zip(pixels) {
            indices[kept] = position;
            values[kept] = value;
            kept += usize::from(value != 0.0);
        }
        block.indices.truncate(start + kept);
        block.values.truncate(start + kept);
        self.end_row();
    }

    /// Starts a design-matrix row: the bias of 1. Its non-zero pixels follow by [`SparseRows::push_value`],
    /// and [`SparseRows::end_row`] closes it.
    pub fn begin_sample(&mut self) {
        self.begin_row();
        self.push_value(0, 1.0);
    }

    fn begin_row(&mut self) {
        if self.blocks.is_empty() {
            self.blocks.push(Block::default());
        }
        self.row_start = self.blocks.last().map_or(0, |block| block.values.len());
    }

    /// Adds `value` at `position` to the row begun last; positions must increase, and zeros are skipped.
    pub fn push_value(&mut self, position: u32, value: f32) {
        if value == 0.0 {
            return;
        }
        if self.blocks.last().expect("a row was begun").values.len() == BLOCK {
            self.move_row_to_new_block();
        }
        let block = self.blocks.last_mut().expect("a row was begun");
        block.indices.push(position);
        block.values.push(value);
    }

    /// Adds `values`, the inputs at `first`, `first + 1`, … of the row begun last, each as an f32 times
    /// `scale`; zeros are skipped.
    pub fn push_values(&mut self, first: u32, values: &[f64], scale: f32) {
        let block = self.blocks.last_mut().expect("a row was begun");
        if block.values.len() + values.len() > BLOCK {
            // Room for them all, so that the loop below need not look.
            self.move_row_to_new_block();
        }
        let block = self.blocks.last_mut().expect("a row was begun");
        for (position, &value) in (first..).zip(values) {
            let value = value as f32 * scale;
            if value != 0.0 {
                block.indices.push(position);
                block.values.push(value);
            }
        }
    }

    /// The last block, with room for `extra` more values of the row being written: a new block if they would
    /// not fit, else the block grown as pushing them one at a time would grow it (a power of two, at most
    /// [`BLOCK`]).
    fn make_room(&mut self, extra: usize) -> &mut Block {
        if self.blocks.last().expect("a row was begun").values.len() + extra > BLOCK {
            self.move_row_to_new_block();
        }
        let block = self.blocks.last_mut().expect("a row was begun");
        let needed = block.values.len() + extra;
        if needed > block.values.capacity() {
            let capacity = needed.next_power_of_two().min(BLOCK);
            block.indices.reserve_exact(capacity.saturating_sub(block.indices.len()));
            block.values.reserve_exact(capacity.saturating_sub(block.values.len()));
        }
        block
    }

    /// Starts a new block with the row being written, which stays whole in one block.
    fn move_row_to_new_block(&mut self) {
        let block = self.blocks.last_mut().expect("a row was begun");
        let (indices, values) = (block.indices.split_off(self.row_start), block.values.split_off(self.row_start));
        let mut next = Block { indices: Vec::with_capacity(BLOCK), values: Vec::with_capacity(BLOCK) };
        next.indices.extend(indices);
        next.values.extend(values);
        self.blocks.push(next);
        self.row_start = 0;
    }

    pub fn end_row(&mut self) {
        if self.blocks.is_empty() {
            self.begin_row();
        }
        let end = self.blocks.last().map_or(0, |block| block.values.len());
        self.rows.push(((self.blocks.len() - 1) as u32, self.row_start as u32, end as u32));
        self.row_start = end;
    }

    /// Sets the first value of every row back to 1: the bias, after a [`SparseRows::scale`].
    pub fn reset_bias(&mut self) {
        for &(block, start, end) in &self.rows {
            if start < end {
                self.blocks[block as usize].values[start as usize] = 1.0;
            }
        }
    }

    /// Multiplies every stored value by `factor`.
    pub fn scale(&mut self, factor: f32) {
        for block in &mut self.blocks {
            block.values.iter_mut().for_each(|v| *v *= factor);
        }
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
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn row(&self, index: usize) -> SparseRow<'_> {
        let (block, start, end) = self.rows[index];
        let block = &self.blocks[block as usize];
        let range = start as usize..end as usize;
        SparseRow { indices: &block.indices[range.clone()], values: &block.values[range] }
    }

    pub fn iter(&self) -> impl Iterator<Item = SparseRow<'_>> {
        (0..self.len()).map(|index| self.row(index))
    }
}

/// The same rows, however they are laid out in blocks.
impl PartialEq for SparseRows {
    fn eq(&self, other: &SparseRows) -> bool {
        self.len() == other.len()
            && self.iter().zip(other.iter()).all(|(a, b)| a.indices == b.indices && a.values == b.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stay_whole_across_blocks_and_keep_their_values() {
        // Rows of about 860 non-zero values: the first block is full after about 305 of them, and the row
        // being written then moves to the next.
        let width = 1000;
        let dense: Vec<f32> = (0..400 * width).map(|i| (i % 7) as f32).collect();
        let rows = SparseRows::from_dense(&dense, width);
        assert_eq!(rows.len(), 400);
        assert!(rows.blocks.len() >= 2);
        for (index, expected) in dense.chunks_exact(width).enumerate() {
            assert_eq!(rows.dense_row(index, width), expected, "row {index}");
        }
    }

    #[test]
    fn samples_keep_their_non_zero_pixels_after_the_bias_and_blocks_stay_within_bounds() {
        // 1,000 samples of 784 pixels, about 310 of them non-zero: more than one block, each a whole row.
        let pixels = |sample: usize| -> Vec<f32> {
            (0..784).map(|i| [0.0, 0.5, -0.0, 1.0, 0.25][(i * 7 + sample) % 5] * (i % 3) as f32).collect()
        };
        let mut rows = SparseRows::default();
        for sample in 0..1_000 {
            rows.push_sample(&pixels(sample));
        }
        assert!(rows.blocks.len() >= 2);
        for block in &rows.blocks {
            assert!(block.values.capacity() <= BLOCK && block.indices.capacity() <= BLOCK);
        }
        for sample in 0..1_000 {
            let expected: Vec<f32> = std::iter::once(1.0).chain(pixels(sample)).collect();
            assert_eq!(rows.dense_row(sample, 785), expected, "sample {sample}");
            let row = rows.row(sample);
            assert!(row.values.iter().all(|&v| v != 0.0) && row.indices.windows(2).all(|pair| pair[0] < pair[1]));
        }
    }

    #[test]
    fn a_blank_row_and_an_empty_set_are_rows_too() {
        let rows = SparseRows::from_dense(&[0.0, 0.0, 1.0, 0.0], 2);
        assert_eq!((rows.len(), rows.row(0).values.len(), rows.row(1).values), (2, 0, &[1.0][..]));
        assert!(SparseRows::default().is_empty());
    }
}
