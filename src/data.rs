//! Loading and validating a data set from an `.npz` archive.
//!
//! An archive holds `X_train`, `y_train`, `X_test` and `y_test` (other arrays are ignored). Every check
//! that can refuse a file runs on the `.npy` headers before any array is decompressed or allocated, so a
//! tiny hostile file cannot make us reserve gigabytes; decompression itself is capped as well.

use crate::kernels::{SparseRow, SparseRows};
use ndarray::{Array2, ArrayD, IxDyn};
use ndarray_npy::{ReadNpyExt, ReadableElement};
use num_traits::AsPrimitive;
use py_literal::Value as PyValue;
use std::io::{Cursor, Read};
use thiserror::Error;

/// Largest number of pixels (samples × features) accepted in `X_train` and `X_test` together:
/// 64 Mi, enough for the full MNIST (70,000 × 784 ≈ 55 M) with room to spare.
pub const MAX_PIXELS: usize = 64 * 1024 * 1024;
/// Largest number of features (pixels per sample) accepted.
pub const MAX_FEATURES: usize = 4096;
/// Largest number of samples accepted in one set.
pub const MAX_SAMPLES: usize = 250_000;
/// Largest `.npy` header accepted (numpy writes a few hundred bytes).
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Number of classes: the digits 0 to 9.
pub const CLASSES: usize = 10;

/// Why a file was refused. Every message names the array and the problem in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DataError {
    #[error("This file is not a valid .npz archive (not a zip file, or truncated): {0}")]
    NotAnArchive(String),
    #[error("Array {0} is missing: the .npz must contain X_train, y_train, X_test and y_test")]
    MissingArray(&'static str),
    #[error("Array {name} is not a valid .npy array: {reason}")]
    BadArray { name: &'static str, reason: String },
    #[error("Array {name} has dtype {dtype}, which is not supported: {reason}")]
    UnsupportedDtype { name: &'static str, dtype: String, reason: String },
    #[error("Array {name} has shape {shape}, but {expected}")]
    WrongShape { name: &'static str, shape: String, expected: String },
    #[error("{0} is empty: a data set needs at least one sample and one pixel per sample")]
    Empty(&'static str),
    #[error("X_train has {train} features per sample but X_test has {test}: both sets must have the same image size")]
    FeatureMismatch { train: usize, test: usize },
    #[error("{x} has {x_len} samples but {y} has {y_len} labels: there must be one label per sample")]
    LengthMismatch { x: &'static str, x_len: usize, y: &'static str, y_len: usize },
    #[error("{name} is too large: {detail} (the limit is {limit})")]
    TooLarge { name: &'static str, detail: String, limit: String },
    #[error("{name} holds the label {value} at index {index}; labels must be digits from 0 to 9")]
    LabelOutOfRange { name: &'static str, value: String, index: usize },
    #[error("{name} holds {value} at sample {sample}, pixel {pixel}; pixels must be finite numbers")]
    NonFinitePixel { name: &'static str, value: String, sample: usize, pixel: usize },
    #[error("{name} holds {value} at sample {sample}, pixel {pixel}; integer pixels must lie in 0..255")]
    PixelOutOfRange { name: &'static str, value: String, sample: usize, pixel: usize },
    #[error("Array {name} could not be read, the file is truncated or corrupt: {reason}")]
    Corrupt { name: &'static str, reason: String },
}

/// One set of samples. `inputs` is the design matrix with the bias column of ones prepended:
/// row i is `[1, x_i1, …, x_iD]`, so it multiplies directly with the K×(D+1) weights.
#[derive(Debug, Clone)]
pub struct Split {
    pub inputs: Array2<f32>,
    pub labels: Vec<u8>,
    /// The same rows, sparsely: what the kernels read, skipping the blank pixels.
    pub sparse: SparseRows,
}

impl Split {
    /// Sample `index`'s row (bias included), sparsely.
    pub fn row(&self, index: usize) -> SparseRow<'_> {
        self.sparse.row(index)
    }

    /// The rows of samples `start..end`, sparsely.
    pub fn rows(&self, start: usize, end: usize) -> impl Iterator<Item = SparseRow<'_>> {
        (start..end).map(|index| self.sparse.row(index))
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Number of samples of each digit.
    pub fn class_counts(&self) -> [usize; CLASSES] {
        let mut counts = [0; CLASSES];
        for &label in &self.labels {
            counts[label as usize] += 1;
        }
        counts
    }
}

/// A validated data set, pixels scaled to the range the model expects.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub train: Split,
    pub test: Split,
    /// Pixels per sample (D), without the bias column.
    pub features: usize,
    /// Image side when the samples are square images (28 for MNIST), if they are.
    pub image_shape: Option<(usize, usize)>,
    /// Things the loader changed and the user should know, e.g. rescaling.
    pub notices: Vec<String>,
}

impl Dataset {
    /// A data set with no samples (a placeholder while a data set changes hands).
    pub fn empty() -> Dataset {
        Dataset::from_parts(&[], Vec::new(), &[], Vec::new(), 1)
    }

    /// Builds a data set from pixels already in their final scale (row-major, `features` per sample).
    pub fn from_parts(
        train_pixels: &[f32],
        train_labels: Vec<u8>,
        test_pixels: &[f32],
        test_labels: Vec<u8>,
        features: usize,
    ) -> Dataset {
        Dataset {
            train: split_with_bias(train_pixels, train_labels, features),
            test: split_with_bias(test_pixels, test_labels, features),
            features,
            image_shape: square_side(features).map(|s| (s, s)),
            notices: Vec::new(),
        }
    }
}

fn square_side(features: usize) -> Option<usize> {
    let side = (features as f64).sqrt().round() as usize;
    (side * side == features).then_some(side)
}

fn split_with_bias(pixels: &[f32], labels: Vec<u8>, features: usize) -> Split {
    let rows = labels.len();
    assert_eq!(pixels.len(), rows * features, "pixels and labels disagree");
    let mut inputs = Array2::<f32>::zeros((rows, features + 1));
    for (mut row, sample) in inputs.rows_mut().into_iter().zip(pixels.chunks_exact(features)) {
        row[0] = 1.0;
        row.as_slice_mut().expect("rows of a fresh array are contiguous")[1..].copy_from_slice(sample);
    }
    let sparse = SparseRows::from_dense(inputs.as_slice().expect("a fresh array is contiguous"), features + 1);
    Split { inputs, labels, sparse }
}

/// Loads and validates a data set from the bytes of an `.npz` file (compressed or not).
pub fn load_npz(bytes: &[u8]) -> Result<Dataset, DataError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DataError::NotAnArchive(e.to_string()))?;

    // Pass 1: headers only, so every refusal happens before anything large is decompressed.
    let x_train = read_header(&mut archive, "X_train")?;
    let y_train = read_header(&mut archive, "y_train")?;
    let x_test = read_header(&mut archive, "X_test")?;
    let y_test = read_header(&mut archive, "y_test")?;
    let (n_train, features, image_train) = check_images(&x_train)?;
    let (n_test, features_test, _) = check_images(&x_test)?;
    if features != features_test {
        return Err(DataError::FeatureMismatch { train: features, test: features_test });
    }
    check_labels(&y_train, "X_train", n_train)?;
    check_labels(&y_test, "X_test", n_test)?;
    let total_pixels = (n_train + n_test) * features;
    if total_pixels > MAX_PIXELS {
        return Err(DataError::TooLarge {
            name: "X_train and X_test together",
            detail: format!("{} pixels ({n_train} + {n_test} samples × {features})", total_pixels),
            limit: format!("{MAX_PIXELS} pixels, e.g. the full MNIST's 70,000 images of 28×28"),
        });
    }

    // Pass 2: read, convert and validate the values.
    let mut notices = Vec::new();
    let train_pixels = read_pixels(&mut archive, &x_train, &mut notices)?;
    let test_pixels = read_pixels(&mut archive, &x_test, &mut notices)?;
    let train_labels = read_labels(&mut archive, &y_train)?;
    let test_labels = read_labels(&mut archive, &y_test)?;

    let mut data = Dataset::from_parts(&train_pixels, train_labels, &test_pixels, test_labels, features);
    data.image_shape = image_train.or(data.image_shape);
    data.notices = notices;
    Ok(data)
}

/// The element type of an array, from its numpy descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    F32,
    F64,
}

impl Elem {
    fn size(self) -> usize {
        match self {
            Elem::U8 | Elem::I8 => 1,
            Elem::U16 | Elem::I16 => 2,
            Elem::U32 | Elem::I32 | Elem::F32 => 4,
            Elem::U64 | Elem::I64 | Elem::F64 => 8,
        }
    }

    fn is_float(self) -> bool {
        matches!(self, Elem::F32 | Elem::F64)
    }
}

/// What the header of one array says, checked for sanity.
#[derive(Debug)]
struct ArrayHeader {
    name: &'static str,
    /// Name of the entry inside the zip archive.
    entry: String,
    dtype: String,
    elem: Elem,
    shape: Vec<usize>,
    /// Bytes of the whole `.npy` (header and data) once decompressed.
    npy_bytes: usize,
}

impl ArrayHeader {
    fn shape_text(&self) -> String {
        let dims: Vec<String> = self.shape.iter().map(|d| d.to_string()).collect();
        // numpy's own spelling: a 1-D shape is written (n,)
        let trailing_comma = if dims.len() == 1 { "," } else { "" };
        format!("({}{trailing_comma})", dims.join(", "))
    }

    fn wrong_shape(&self, expected: &str) -> DataError {
        DataError::WrongShape { name: self.name, shape: self.shape_text(), expected: expected.into() }
    }
}

fn entry_name(archive: &zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let with_suffix = format!("{name}.npy");
    archive.file_names().find(|n| *n == with_suffix || *n == name).map(str::to_owned)
}

fn read_header(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &'static str) -> Result<ArrayHeader, DataError> {
    let entry = entry_name(archive, name).ok_or(DataError::MissingArray(name))?;
    let file = archive.by_name(&entry).map_err(|e| DataError::BadArray { name, reason: e.to_string() })?;
    let bad = |reason: &str| DataError::BadArray { name, reason: reason.to_owned() };

    // Magic, version, header length: at most 12 bytes, then the header dict itself, bounded.
    let mut reader = file.take(MAX_HEADER_BYTES as u64 + 12);
    let mut prefix = [0u8; 8];
    reader.read_exact(&mut prefix).map_err(|_| bad("it is too short to hold a .npy header"))?;
    if &prefix[..6] != b"\x93NUMPY" {
        return Err(bad("it does not start with the .npy magic string"));
    }
    let header_len = match prefix[6] {
        1 => {
            let mut len = [0u8; 2];
            reader.read_exact(&mut len).map_err(|_| bad("its header is truncated"))?;
            u16::from_le_bytes(len) as usize
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            reader.read_exact(&mut len).map_err(|_| bad("its header is truncated"))?;
            u32::from_le_bytes(len) as usize
        }
        v => return Err(bad(&format!("its .npy format version {v} is unknown"))),
    };
    if header_len > MAX_HEADER_BYTES {
        return Err(bad(&format!("its header claims {header_len} bytes (more than {MAX_HEADER_BYTES})")));
    }
    let prefix_len = if prefix[6] == 1 { 10 } else { 12 };
    let mut dict = vec![0u8; header_len];
    reader.read_exact(&mut dict).map_err(|_| bad("its header is truncated"))?;
    let text = std::str::from_utf8(&dict).map_err(|_| bad("its header is not text"))?;
    let value: PyValue = text.trim_end().parse().map_err(|_| bad("its header cannot be parsed"))?;
    let PyValue::Dict(items) = value else {
        return Err(bad("its header is not a dictionary"));
    };
    let lookup = |key: &str| items.iter().find_map(|(k, v)| matches!(k, PyValue::String(s) if s == key).then_some(v));

    let descr = lookup("descr").ok_or_else(|| bad("its header has no 'descr'"))?;
    let (dtype, elem) = parse_descr(name, descr)?;
    match lookup("fortran_order") {
        Some(PyValue::Boolean(_)) => {}
        _ => return Err(bad("its header has no valid 'fortran_order'")),
    }
    let shape = match lookup("shape") {
        Some(PyValue::Tuple(dims)) | Some(PyValue::List(dims)) => dims
            .iter()
            .map(|d| match d {
                PyValue::Integer(n) => usize::try_from(n).ok(),
                _ => None,
            })
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| bad("its shape holds something that is not a size"))?,
        _ => return Err(bad("its header has no valid 'shape'")),
    };
    // A header can claim any shape; compute the size without overflow before trusting it.
    let elements = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let data_bytes = elements.and_then(|n| n.checked_mul(elem.size()));
    let npy_bytes = data_bytes.and_then(|n| n.checked_add(prefix_len + header_len));
    let header = ArrayHeader { name, entry, dtype, elem, shape, npy_bytes: npy_bytes.unwrap_or(usize::MAX) };
    if npy_bytes.is_none() || elements.unwrap_or(usize::MAX) > MAX_PIXELS {
        return Err(DataError::TooLarge {
            name,
            detail: format!("its shape {} declares {} values", header.shape_text(), describe_count(elements)),
            limit: format!("{MAX_PIXELS} values per array"),
        });
    }
    Ok(header)
}

fn describe_count(n: Option<usize>) -> String {
    n.map_or_else(|| "more than 2^64".to_owned(), |n| n.to_string())
}

fn parse_descr(name: &'static str, descr: &PyValue) -> Result<(String, Elem), DataError> {
    let PyValue::String(text) = descr else {
        return Err(DataError::UnsupportedDtype {
            name,
            dtype: descr.to_string(),
            reason: "structured (record) arrays are not images or labels; save a plain numeric array".into(),
        });
    };
    let unsupported =
        |reason: &str| DataError::UnsupportedDtype { name, dtype: text.clone(), reason: reason.to_owned() };
    let body = text.trim_start_matches(['<', '>', '|', '=']);
    let elem = match body {
        "u1" => Elem::U8,
        "i1" => Elem::I8,
        "u2" => Elem::U16,
        "i2" => Elem::I16,
        "u4" => Elem::U32,
        "i4" => Elem::I32,
        "u8" => Elem::U64,
        "i8" => Elem::I64,
        "f4" => Elem::F32,
        "f8" => Elem::F64,
        "f2" => return Err(unsupported("float16 is not supported; save as float32 or uint8")),
        "b1" => return Err(unsupported("booleans are not supported; save as uint8")),
        _ if body.starts_with('O') => {
            return Err(unsupported("object arrays are refused (they would need unpickling, which is unsafe)"))
        }
        _ => return Err(unsupported("only integer and float arrays are accepted")),
    };
    Ok((text.clone(), elem))
}

/// Samples, pixels per sample and (for 3-D arrays) the image's height and width.
type ImagesShape = (usize, usize, Option<(usize, usize)>);

/// Checks an images array's rank and size.
fn check_images(header: &ArrayHeader) -> Result<ImagesShape, DataError> {
    let (samples, features, image) = match header.shape[..] {
        [n, d] => (n, d, None),
        [n, h, w] => (n, h * w, Some((h, w))),
        _ => return Err(header.wrong_shape("images must be 2-D (samples × pixels) or 3-D (samples × height × width)")),
    };
    if samples == 0 || features == 0 {
        return Err(DataError::Empty(header.name));
    }
    if features > MAX_FEATURES {
        return Err(DataError::TooLarge {
            name: header.name,
            detail: format!("{features} pixels per sample"),
            limit: format!("{MAX_FEATURES} pixels per sample"),
        });
    }
    if samples > MAX_SAMPLES {
        return Err(DataError::TooLarge {
            name: header.name,
            detail: format!("{samples} samples"),
            limit: format!("{MAX_SAMPLES} samples per set"),
        });
    }
    Ok((samples, features, image))
}

fn check_labels(header: &ArrayHeader, images: &'static str, samples: usize) -> Result<(), DataError> {
    if header.elem.is_float() {
        return Err(DataError::UnsupportedDtype {
            name: header.name,
            dtype: header.dtype.clone(),
            reason: "labels must be integers (e.g. y.astype(np.uint8))".into(),
        });
    }
    let len = match header.shape[..] {
        [n] | [n, 1] => n,
        _ => return Err(header.wrong_shape("labels must be 1-D (one digit per sample)")),
    };
    if len != samples {
        return Err(DataError::LengthMismatch { x: images, x_len: samples, y: header.name, y_len: len });
    }
    Ok(())
}

/// Decompresses one array, never more than its header announced, and decodes it with ndarray-npy.
fn read_array<T: ReadableElement>(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    header: &ArrayHeader,
) -> Result<ArrayD<T>, DataError> {
    let corrupt = |reason: String| DataError::Corrupt { name: header.name, reason };
    let file = archive.by_name(&header.entry).map_err(|e| corrupt(e.to_string()))?;
    let mut bytes = Vec::with_capacity(header.npy_bytes);
    // One byte more than expected is enough to tell "too long" from "exact" without reading a bomb.
    file.take(header.npy_bytes as u64 + 1).read_to_end(&mut bytes).map_err(|e| corrupt(e.to_string()))?;
    if bytes.len() != header.npy_bytes {
        return Err(corrupt(format!(
            "its shape {} needs {} bytes but the archive holds {}",
            header.shape_text(),
            header.npy_bytes,
            if bytes.len() > header.npy_bytes { "more".to_owned() } else { bytes.len().to_string() }
        )));
    }
    ArrayD::<T>::read_npy(&bytes[..]).map_err(|e| corrupt(e.to_string()))
}

/// Reads an array of any supported element type and hands its values, in logical (C) order, to `visit`.
fn with_values<R>(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    header: &ArrayHeader,
    visit: impl FnOnce(&mut dyn Iterator<Item = f64>) -> R,
) -> Result<R, DataError> {
    fn go<T, R>(
        archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
        header: &ArrayHeader,
        visit: impl FnOnce(&mut dyn Iterator<Item = f64>) -> R,
    ) -> Result<R, DataError>
    where
        T: ReadableElement + AsPrimitive<f64>,
    {
        let array: ArrayD<T> = read_array(archive, header)?;
        let array = array.into_dimensionality::<IxDyn>().expect("dynamic rank always fits");
        Ok(visit(&mut array.iter().map(|v| v.as_())))
    }
    match header.elem {
        Elem::U8 => go::<u8, R>(archive, header, visit),
        Elem::I8 => go::<i8, R>(archive, header, visit),
        Elem::U16 => go::<u16, R>(archive, header, visit),
        Elem::I16 => go::<i16, R>(archive, header, visit),
        Elem::U32 => go::<u32, R>(archive, header, visit),
        Elem::I32 => go::<i32, R>(archive, header, visit),
        Elem::U64 => go::<u64, R>(archive, header, visit),
        Elem::I64 => go::<i64, R>(archive, header, visit),
        Elem::F32 => go::<f32, R>(archive, header, visit),
        Elem::F64 => go::<f64, R>(archive, header, visit),
    }
}

fn read_pixels(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    header: &ArrayHeader,
    notices: &mut Vec<String>,
) -> Result<Vec<f32>, DataError> {
    let is_float = header.elem.is_float();
    let features: usize = header.shape[1..].iter().product();
    let (mut pixels, max) = with_values(archive, header, |values| {
        let mut pixels = Vec::new();
        let mut max = f64::NEG_INFINITY;
        for (index, value) in values.enumerate() {
            let (name, sample, pixel) = (header.name, index / features, index % features);
            if !value.is_finite() {
                return Err(DataError::NonFinitePixel { name, value: value.to_string(), sample, pixel });
            }
            if !is_float && !(0.0..=255.0).contains(&value) {
                return Err(DataError::PixelOutOfRange { name, value: value.to_string(), sample, pixel });
            }
            max = max.max(value);
            pixels.push(value as f32);
        }
        Ok((pixels, max))
    })??;
    // Integers are 0..255 grey levels; floats are taken as they are unless they plainly are grey levels too.
    if !is_float || max > 1.0 {
        if is_float {
            notices.push(format!(
                "{} holds floats up to {max}, so it was divided by 255 to bring pixels into 0..1",
                header.name
            ));
        }
        let scale = 1.0 / 255.0;
        pixels.iter_mut().for_each(|p| *p *= scale);
    }
    Ok(pixels)
}

fn read_labels(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, header: &ArrayHeader) -> Result<Vec<u8>, DataError> {
    with_values(archive, header, |values| {
        values
            .enumerate()
            .map(|(index, value)| {
                if (0.0..CLASSES as f64).contains(&value) {
                    Ok(value as u8)
                } else {
                    Err(DataError::LabelOutOfRange { name: header.name, value: value.to_string(), index })
                }
            })
            .collect()
    })?
}
