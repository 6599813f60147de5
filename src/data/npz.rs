//! Reading arrays out of an `.npz` safely: every `.npy` header is checked (dtype, shape, size limits)
//! before anything is decompressed or allocated, decompression stops at the size the header announced, and
//! nothing is ever unpickled. Data sets (`data`) and saved models (`train::saved`) read through this.

use crate::error::FileError;
use py_literal::Value as PyValue;
use std::io::{Cursor, Read, Seek, SeekFrom};

/// An opened `.npz`, read from anything seekable (bytes in memory, or the page's own buffer a slice at a
/// time), and its size (which bounds what its entries can really hold).
pub(crate) struct Archive<R> {
    zip: zip::ZipArchive<R>,
    len: usize,
}

/// An archive whose bytes are all in memory.
pub(crate) type InMemory<'a> = Archive<Cursor<&'a [u8]>>;

/// Opens the bytes of an `.npz` (a zip archive, compressed or not).
pub(crate) fn open_archive(bytes: &[u8]) -> Result<InMemory<'_>, FileError> {
    open_reader(Cursor::new(bytes))
}

/// Opens an `.npz` read through `reader`.
pub(crate) fn open_reader<R: Read + Seek>(mut reader: R) -> Result<Archive<R>, FileError> {
    let len = reader.seek(SeekFrom::End(0)).map_err(|e| FileError::NotAnArchive(e.to_string()))?;
    let zip = zip::ZipArchive::new(reader).map_err(|e| FileError::NotAnArchive(e.to_string()))?;
    Ok(Archive { zip, len: usize::try_from(len).unwrap_or(usize::MAX) })
}

impl<R: Read + Seek> Archive<R> {
    /// The reader back, once every entry has been located.
    pub(crate) fn into_reader(self) -> R {
        self.zip.into_inner()
    }

    /// Where the stored bytes of the array `header` describes lie, to be read a slice at a time.
    pub(crate) fn locate(&mut self, header: &ArrayHeader) -> Result<EntryLocation, FileError> {
        let file = self
            .zip
            .by_name(&header.entry)
            .map_err(|e| FileError::Corrupt { name: header.name, reason: e.to_string() })?;
        let start = file.data_start();
        // The directory's claim, but never past the end of the file.
        let end = start.saturating_add(file.compressed_size()).min(self.len as u64).max(start);
        Ok(EntryLocation {
            start,
            end,
            deflated: file.compression() != zip::CompressionMethod::Stored,
            crc32: file.crc32(),
        })
    }
}

/// Where an entry's (compressed) bytes are in the archive, how they are stored, and their checksum.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryLocation {
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) deflated: bool,
    pub(crate) crc32: u32,
}

/// Whether the archive holds an array of that name.
pub(crate) fn has_array<R: Read + Seek>(archive: &Archive<R>, name: &str) -> bool {
    entry_name(archive, name).is_some()
}

/// Largest number of values one array may declare: 64 Mi, as many as a data set's images may hold together.
pub const MAX_ARRAY_VALUES: usize = 64 * 1024 * 1024;

/// Largest `.npy` header accepted: numpy's own limit for `np.load` (its headers are a few hundred bytes), which
/// also bounds how long the header's parser can take on a hostile one.
const MAX_HEADER_BYTES: usize = 10_000;

/// Deepest nesting of brackets accepted in a header: numpy's reach 4 (a structured dtype's field shapes).
/// The header parser backtracks exponentially in the depth: 14 braces take 10 s, 120 would take years.
const MAX_HEADER_DEPTH: usize = 4;

/// The element type of an array, from its numpy descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
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
    pub(crate) fn size(self) -> usize {
        match self {
            Elem::U8 | Elem::I8 => 1,
            Elem::U16 | Elem::I16 => 2,
            Elem::U32 | Elem::I32 | Elem::F32 => 4,
            Elem::U64 | Elem::I64 | Elem::F64 => 8,
        }
    }

    pub(crate) fn is_float(self) -> bool {
        matches!(self, Elem::F32 | Elem::F64)
    }
}

/// What the header of one array says, checked for sanity.
#[derive(Debug)]
pub(crate) struct ArrayHeader {
    pub(crate) name: &'static str,
    /// Name of the entry inside the zip archive.
    entry: String,
    pub(crate) dtype: String,
    pub(crate) elem: Elem,
    pub(crate) shape: Vec<usize>,
    /// Whether the values are stored column-major (numpy's `fortran_order`).
    pub(crate) fortran_order: bool,
    /// Whether multi-byte values are stored most significant byte first (`>` in the descriptor).
    pub(crate) big_endian: bool,
    /// Bytes of the `.npy` before the values: magic, version, header length and the header itself.
    pub(crate) values_offset: usize,
    /// Bytes of the whole `.npy` (header and data) once decompressed.
    pub(crate) npy_bytes: usize,
}

impl ArrayHeader {
    pub(crate) fn shape_text(&self) -> String {
        shape_text(&self.shape)
    }

    pub(crate) fn wrong_shape(&self, expected: &str) -> FileError {
        FileError::WrongShape { name: self.name, shape: self.shape_text(), expected: expected.into() }
    }
}

/// A shape as numpy writes it: a 1-D shape is (n,), a 0-d one ().
pub(crate) fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let trailing_comma = if dims.len() == 1 { "," } else { "" };
    format!("({}{trailing_comma})", dims.join(", "))
}

fn entry_name<R: Read + Seek>(archive: &Archive<R>, name: &str) -> Option<String> {
    let with_suffix = format!("{name}.npy");
    archive.zip.file_names().find(|n| *n == with_suffix || *n == name).map(str::to_owned)
}

/// Reads and checks the header of array `name`; `expected` says what the file should hold if it is missing.
pub(crate) fn read_header<R: Read + Seek>(
    archive: &mut Archive<R>,
    name: &'static str,
    expected: &'static str,
) -> Result<ArrayHeader, FileError> {
    let entry = entry_name(archive, name).ok_or(FileError::MissingArray { name, expected })?;
    let bad = |reason: String| FileError::BadArray { name, reason };
    let file = archive.zip.by_name(&entry).map_err(|e| bad(e.to_string()))?;
    let (prefix_len, dict) = read_raw_header(file).map_err(bad)?;
    let (descr, fortran_order, shape) = parse_dict(&dict).map_err(bad)?;
    let (dtype, elem) = parse_descr(name, &descr)?;
    let big_endian = dtype.starts_with('>');
    let values_offset = prefix_len + dict.len();
    let npy_bytes = npy_size(name, &shape, elem, values_offset)?;
    Ok(ArrayHeader { name, entry, dtype, elem, shape, fortran_order, big_endian, values_offset, npy_bytes })
}

/// The length of the `.npy` prefix (magic, version, header length) and the header dict's bytes, bounded.
fn read_raw_header(file: impl Read) -> Result<(usize, Vec<u8>), String> {
    // Magic, version, header length: at most 12 bytes, then the header dict itself.
    let mut reader = file.take(MAX_HEADER_BYTES as u64 + 12);
    let mut prefix = [0u8; 8];
    reader.read_exact(&mut prefix).map_err(|_| "it is too short to hold a .npy header")?;
    if &prefix[..6] != b"\x93NUMPY" {
        return Err("it does not start with the .npy magic string".into());
    }
    let truncated = |_| "its header is truncated";
    let (prefix_len, header_len) = match prefix[6] {
        1 => {
            let mut len = [0u8; 2];
            reader.read_exact(&mut len).map_err(truncated)?;
            (10, u16::from_le_bytes(len) as usize)
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            reader.read_exact(&mut len).map_err(truncated)?;
            (12, u32::from_le_bytes(len) as usize)
        }
        v => return Err(format!("its .npy format version {v} is unknown")),
    };
    if header_len > MAX_HEADER_BYTES {
        return Err(format!("its header claims {header_len} bytes (more than {MAX_HEADER_BYTES})"));
    }
    let mut dict = vec![0u8; header_len];
    reader.read_exact(&mut dict).map_err(truncated)?;
    Ok((prefix_len, dict))
}

/// The header dict's descriptor, order and shape (a Python literal, parsed without evaluating anything).
fn parse_dict(dict: &[u8]) -> Result<(PyValue, bool, Vec<usize>), String> {
    let text = std::str::from_utf8(dict).map_err(|_| "its header is not text")?;
    if nesting_depth(text) > MAX_HEADER_DEPTH {
        return Err(format!("its header nests brackets more than {MAX_HEADER_DEPTH} deep"));
    }
    let value: PyValue = text.trim_end().parse().map_err(|_| "its header cannot be parsed")?;
    let PyValue::Dict(items) = value else {
        return Err("its header is not a dictionary".into());
    };
    let lookup = |key: &str| items.iter().find_map(|(k, v)| matches!(k, PyValue::String(s) if s == key).then_some(v));
    let descr = lookup("descr").ok_or("its header has no 'descr'")?.clone();
    let fortran_order = match lookup("fortran_order") {
        Some(PyValue::Boolean(fortran_order)) => *fortran_order,
        _ => return Err("its header has no valid 'fortran_order'".into()),
    };
    let shape = match lookup("shape") {
        Some(PyValue::Tuple(dims)) | Some(PyValue::List(dims)) => dims
            .iter()
            .map(|d| match d {
                PyValue::Integer(n) => usize::try_from(n).ok(),
                _ => None,
            })
            .collect::<Option<Vec<usize>>>()
            .ok_or("its shape holds something that is not a size")?,
        _ => return Err("its header has no valid 'shape'".into()),
    };
    Ok((descr, fortran_order, shape))
}

/// How deep brackets nest in `text`, never less than the parser would see: every opening bracket counts,
/// even in a string, and a closing one only outside what looks like a string.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut quote) = (0usize, 0, None);
    for c in text.chars() {
        match (c, quote) {
            ('{' | '[' | '(', _) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (c, Some(open)) if c == open => quote = None,
            ('\'' | '"', None) => quote = Some(c),
            ('}' | ']' | ')', None) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Bytes of the whole `.npy` (`values_offset` bytes before the values), if the shape is within the limits.
/// A header can claim any shape: the size is computed without overflow before it is trusted.
fn npy_size(name: &'static str, shape: &[usize], elem: Elem, values_offset: usize) -> Result<usize, FileError> {
    let elements = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let data_bytes = elements.and_then(|n| n.checked_mul(elem.size()));
    match (data_bytes.and_then(|n| n.checked_add(values_offset)), elements) {
        (Some(npy_bytes), Some(elements)) if elements <= MAX_ARRAY_VALUES => Ok(npy_bytes),
        _ => Err(FileError::TooLarge {
            name,
            detail: format!("its shape {} declares {} values", shape_text(shape), describe_count(elements)),
            limit: format!("{MAX_ARRAY_VALUES} values per array"),
        }),
    }
}

fn describe_count(n: Option<usize>) -> String {
    n.map_or_else(|| "more than 2^64".to_owned(), |n| n.to_string())
}

fn parse_descr(name: &'static str, descr: &PyValue) -> Result<(String, Elem), FileError> {
    let PyValue::String(text) = descr else {
        return Err(FileError::UnsupportedDtype {
            name,
            dtype: descr.to_string(),
            reason: "structured (record) arrays are not images or labels; save a plain numeric array".into(),
        });
    };
    let unsupported =
        |reason: &str| FileError::UnsupportedDtype { name, dtype: text.clone(), reason: reason.to_owned() };
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

impl<'a> Archive<Cursor<&'a [u8]>> {
    /// A reader of the archive's bytes, from anywhere (they are in memory: a copy of the cursor will do).
    pub(crate) fn bytes(&self) -> Cursor<&'a [u8]> {
        self.zip.clone().into_inner()
    }
}
