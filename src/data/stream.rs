//! One array of an `.npz` read a slice at a time: its stored bytes are inflated (or copied) in chunks, checked
//! against its header and the archive's checksum, and handed on as values in logical (C) order. So a large
//! file is never decompressed into memory whole, and loading can stop between slices to let the page draw.
//! Hand-written because the zip crate's reader borrows its archive and cannot be paused across calls.

use super::npz::{ArrayHeader, Elem, EntryLocation, InMemory};
use crate::error::FileError;
use flate2::{Decompress, FlushDecompress, Status};
use std::io::{Read, Seek, SeekFrom};

/// Stored (compressed) bytes read from the archive at a time.
const INPUT_CHUNK: usize = 64 * 1024;
/// Decompressed bytes produced at a time: a slice of loading is made of these.
pub(crate) const OUTPUT_CHUNK: usize = 64 * 1024;

/// An array's values on their way out of the archive.
pub(crate) struct ArrayStream {
    name: &'static str,
    elem: Elem,
    big_endian: bool,
    /// Column-major arrays are gathered whole (they are rare), then handed on in C order.
    fortran_shape: Option<Vec<usize>>,
    fortran_values: Vec<u8>,
    /// How far the values, once in row-major order, have been handed on.
    reordered_at: usize,
    location: EntryLocation,
    /// Next stored byte to read.
    position: u64,
    inflater: Option<Decompress>,
    input: Vec<u8>,
    input_used: usize,
    output: Vec<u8>,
    crc: crc32fast::Hasher,
    /// Bytes of the `.npy` the header announced (header and values), and those decompressed so far.
    npy_bytes: usize,
    produced: usize,
    values_offset: usize,
    /// The bytes of a value cut in two by the end of a chunk.
    partial: Vec<u8>,
    shape_text: String,
    finished: bool,
}

impl ArrayStream {
    pub(crate) fn new(header: &ArrayHeader, location: EntryLocation) -> ArrayStream {
        let fortran = header.fortran_order && header.shape.iter().filter(|&&d| d > 1).count() > 1;
        ArrayStream {
            name: header.name,
            elem: header.elem,
            big_endian: header.big_endian,
            fortran_shape: fortran.then(|| header.shape.clone()),
            fortran_values: Vec::new(),
            reordered_at: 0,
            location,
            position: location.start,
            inflater: location.deflated.then(|| Decompress::new(false)),
            input: Vec::new(),
            input_used: 0,
            output: Vec::new(),
            crc: crc32fast::Hasher::new(),
            npy_bytes: header.npy_bytes,
            produced: 0,
            values_offset: header.values_offset,
            partial: Vec::new(),
            shape_text: header.shape_text(),
            finished: false,
        }
    }

    /// Bytes of values still to come, as the header says.
    pub(crate) fn values_left(&self) -> usize {
        self.npy_bytes - self.produced.max(self.values_offset)
    }

    /// Replaces `values` with the next chunk of values, in logical order; false once the array is complete
    /// and checked (then `values` is left empty).
    pub(crate) fn next<R: Read + Seek>(&mut self, reader: &mut R, values: &mut Vec<f64>) -> Result<bool, FileError> {
        values.clear();
        let size = self.elem.size();
        if self.finished {
            // A column-major array, all read and put in row-major order: handed on a chunk at a time.
            let from = self.reordered_at.min(self.fortran_values.len());
            let to = (from + OUTPUT_CHUNK / size * size).min(self.fortran_values.len());
            self.reordered_at = to;
            decode(self.elem, self.big_endian, &self.fortran_values[from..to], values);
            return Ok(from < to);
        }
        let Some(range) = self.next_bytes(reader)? else {
            self.finished = true;
            if let Some(shape) = self.fortran_shape.take() {
                self.fortran_values = fortran_to_c_order(&self.fortran_values, &shape, size);
                return self.next(reader, values);
            }
            return Ok(false);
        };
        let (mut start, end) = (range.start, range.end);
        // A value cut by the end of the last chunk is glued back together first.
        if !self.partial.is_empty() {
            let missing = (size - self.partial.len()).min(end - start);
            self.partial.extend_from_slice(&self.output[start..start + missing]);
            start += missing;
            if self.partial.len() == size {
                let value = std::mem::take(&mut self.partial);
                self.hand_on(&value, values);
            }
        }
        let whole = start + (end - start) / size * size;
        let output = std::mem::take(&mut self.output);
        self.partial.extend_from_slice(&output[whole..end]);
        self.hand_on(&output[start..whole], values);
        self.output = output;
        Ok(true)
    }

    /// Every value left, at once: for small arrays (a saved model's), whose values are wanted whole.
    pub(crate) fn read_all<R: Read + Seek>(mut self, reader: &mut R) -> Result<Vec<f64>, FileError> {
        let (mut all, mut chunk) = (Vec::new(), Vec::new());
        while self.next(reader, &mut chunk)? {
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }

    /// Whole values, in order: kept to be reordered (a column-major array), or decoded into `values`.
    fn hand_on(&mut self, bytes: &[u8], values: &mut Vec<f64>) {
        if self.fortran_shape.is_some() {
            self.fortran_values.extend_from_slice(bytes);
        } else {
            decode(self.elem, self.big_endian, bytes, values);
        }
    }

    fn corrupt(&self, reason: String) -> FileError {
        FileError::Corrupt { name: self.name, reason }
    }

    /// The next decompressed bytes that are values (in `self.output`), or None at a checked end.
    fn next_bytes<R: Read + Seek>(&mut self, reader: &mut R) -> Result<Option<std::ops::Range<usize>>, FileError> {
        loop {
            let before = self.produced;
            let ended = self.fill_output(reader)?;
            let produced = self.output.len();
            self.crc.update(&self.output);
            self.produced += produced;
            // One byte more than the header announced is enough to tell "too long" without reading a bomb.
            if self.produced > self.npy_bytes || (ended && self.produced != self.npy_bytes) {
                let held = if self.produced > self.npy_bytes { "more".to_owned() } else { self.produced.to_string() };
                let (shape, needed) = (&self.shape_text, self.npy_bytes);
                return Err(
                    self.corrupt(format!("its shape {shape} needs {needed} bytes but the archive holds {held}"))
                );
            }
            if ended && self.crc.clone().finalize() != self.location.crc32 {
                return Err(self.corrupt("its checksum does not match its contents (the file is damaged)".into()));
            }
            // The `.npy` header was read and checked before: skip it.
            let skip = self.values_offset.saturating_sub(before).min(produced);
            if skip < produced {
                return Ok(Some(skip..produced));
            }
            if ended {
                return Ok(None);
            }
        }
    }

    /// Replaces `self.output` with the next decompressed bytes (at most one more than the array can hold);
    /// true when the entry has no more.
    fn fill_output<R: Read + Seek>(&mut self, reader: &mut R) -> Result<bool, FileError> {
        self.output.clear();
        let room = (self.npy_bytes + 1 - self.produced).min(OUTPUT_CHUNK);
        if self.inflater.is_none() {
            let left = (self.location.end - self.position) as usize;
            let take = room.min(left);
            self.output.resize(take, 0);
            self.read_stored(reader, take)?;
            return Ok(take == left);
        }
        self.output.reserve(room);
        loop {
            if self.input_used == self.input.len() {
                let left = (self.location.end - self.position) as usize;
                let take = left.min(INPUT_CHUNK);
                self.input.resize(take, 0);
                self.input_used = 0;
                if take > 0 {
                    reader.seek(SeekFrom::Start(self.position)).map_err(|e| self.corrupt(e.to_string()))?;
                    let mut input = std::mem::take(&mut self.input);
                    let read = reader.read_exact(&mut input).map_err(|e| self.corrupt(e.to_string()));
                    self.input = input;
                    read?;
                    self.position += take as u64;
                }
            }
            let inflater = self.inflater.as_mut().expect("a deflated entry");
            let (in_before, out_before) = (inflater.total_in(), self.output.len());
            let status = inflater
                .decompress_vec(&self.input[self.input_used..], &mut self.output, FlushDecompress::None)
                .map_err(|e| FileError::Corrupt { name: self.name, reason: e.to_string() })?;
            let consumed = (inflater.total_in() - in_before) as usize;
            self.input_used += consumed;
            let stuck = consumed == 0 && self.output.len() == out_before;
            match status {
                Status::StreamEnd => return Ok(true),
                _ if self.output.len() >= room => return Ok(false),
                // The stored bytes ran out before the deflate stream said it was complete.
                _ if stuck && self.position == self.location.end => return Ok(true),
                _ if stuck && self.input_used < self.input.len() => {
                    return Err(self.corrupt("its compressed data cannot be inflated".into()))
                }
                _ => {}
            }
        }
    }

    fn read_stored<R: Read + Seek>(&mut self, reader: &mut R, take: usize) -> Result<(), FileError> {
        reader.seek(SeekFrom::Start(self.position)).map_err(|e| self.corrupt(e.to_string()))?;
        let mut output = std::mem::take(&mut self.output);
        let read = reader.read_exact(&mut output[..take]).map_err(|e| self.corrupt(e.to_string()));
        self.output = output;
        self.position += take as u64;
        read
    }
}

/// Appends every value of `bytes` (whole values of type `elem`) to `values`, in order.
fn decode(elem: Elem, big_endian: bool, bytes: &[u8], values: &mut Vec<f64>) {
    macro_rules! each {
        ($t:ty) => {{
            const SIZE: usize = std::mem::size_of::<$t>();
            values.extend(bytes.chunks_exact(SIZE).map(|value| {
                let value: [u8; SIZE] = value.try_into().expect("whole values");
                (if big_endian { <$t>::from_be_bytes(value) } else { <$t>::from_le_bytes(value) }) as f64
            }));
        }};
    }
    match elem {
        Elem::U8 => values.extend(bytes.iter().map(|&value| f64::from(value))),
        Elem::I8 => each!(i8),
        Elem::U16 => each!(u16),
        Elem::I16 => each!(i16),
        Elem::U32 => each!(u32),
        Elem::I32 => each!(i32),
        Elem::U64 => each!(u64),
        Elem::I64 => each!(i64),
        Elem::F32 => each!(f32),
        Elem::F64 => each!(f64),
    }
}

/// The values of a column-major array of `shape`, each `size` bytes, rearranged into row-major order.
fn fortran_to_c_order(values: &[u8], shape: &[usize], size: usize) -> Vec<u8> {
    let count = values.len() / size;
    // Column-major strides, in values: the first index moves fastest.
    let mut strides = Vec::with_capacity(shape.len());
    let mut stride = 1;
    for &dim in shape {
        strides.push(stride);
        stride *= dim;
    }
    let mut index = vec![0usize; shape.len()];
    let mut out = Vec::with_capacity(values.len());
    for _ in 0..count {
        let at: usize = index.iter().zip(&strides).map(|(i, s)| i * s).sum();
        out.extend_from_slice(&values[at * size..(at + 1) * size]);
        // Row-major order: the last index moves fastest.
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    out
}

/// Every value of a small array (a saved model's) in an archive in memory, in logical (C) order, through the
/// same streaming decoder as a data set's, with the same checks.
pub(crate) fn read_values(archive: &mut InMemory, header: &ArrayHeader) -> Result<Vec<f64>, FileError> {
    let location = archive.locate(header)?;
    ArrayStream::new(header, location).read_all(&mut archive.bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_major_values_come_out_row_major() {
        // [[1, 2, 3], [4, 5, 6]] stored column by column.
        let fortran = [1u8, 4, 2, 5, 3, 6];
        assert_eq!(fortran_to_c_order(&fortran, &[2, 3], 1), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn big_endian_values_are_read_as_such() {
        let mut seen = Vec::new();
        decode(Elem::U16, true, &[1, 2, 0, 7], &mut seen);
        assert_eq!(seen, vec![258.0, 7.0]);
    }
}
