//! Writing an `.npz` that numpy reads: each array as numpy's own `np.save` writes it (format 1.0), the
//! archive stored uncompressed as `np.savez` does. Hand-written because the only writer this needs is
//! small, and ndarray-npy's and the zip crate's would weigh on the wasm for the 31 KB of a saved model.

use super::npz::shape_text;

/// A value numpy can hold, written little-endian with its numpy descriptor.
pub(crate) trait NpyValue: Copy {
    /// numpy's `descr` for it: `'<f4'`, `'|u1'`, …
    const DESCR: &'static str;
    fn put(self, out: &mut Vec<u8>);
}

macro_rules! npy_values {
    ($($t:ty => $descr:literal),+) => {$(
        impl NpyValue for $t {
            const DESCR: &'static str = $descr;
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )+};
}

npy_values!(u8 => "|u1", i64 => "<i8", f32 => "<f4", f64 => "<f8");

/// The bytes of a `.npy` holding `values` (in C order) with `shape`.
pub(crate) fn npy<T: NpyValue>(shape: &[usize], values: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut out = npy_header(T::DESCR, shape);
    for value in values {
        value.put(&mut out);
    }
    out
}

/// numpy's `.npy` format 1.0 header, byte for byte as `np.save` writes it: the magic string, the version,
/// the header's length (u16), then the dict with its keys sorted, followed by room for the first axis to
/// grow to 21 digits and padded with spaces to a multiple of 64 bytes, ending in a newline.
fn npy_header(descr: &str, shape: &[usize]) -> Vec<u8> {
    const ALIGN: usize = 64;
    const PREFIX: usize = 10;
    /// numpy leaves this many digits' room for the first axis, so an array can grow in place.
    const GROWTH_AXIS_MAX_DIGITS: usize = 21;
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {}, }}", shape_text(shape));
    if let Some(first) = shape.first() {
        dict.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(first.to_string().len())));
    }
    let padding = ALIGN - (PREFIX + dict.len() + 1) % ALIGN;
    let header_len = u16::try_from(dict.len() + padding + 1).expect("a short header: a dtype and a shape");
    let mut out = Vec::with_capacity(PREFIX + usize::from(header_len));
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.resize(out.len() + padding, b' ');
    out.push(b'\n');
    out
}

/// A zip archive of `entries` (name, bytes), stored uncompressed (what `np.savez` writes).
pub(crate) fn stored_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let (mut archive, mut directory) = (Vec::new(), Vec::new());
    for (name, data) in entries {
        let offset = archive.len() as u32;
        let (crc, size, name_len) = (crc32fast::hash(data), data.len() as u32, name.len() as u16);
        // Version 2.0, no flags, stored, no date (1980-01-01), then CRC and sizes.
        let fields = |out: &mut Vec<u8>| {
            for value in [20u16, 0, 0, 0, 0x21] {
                out.extend_from_slice(&value.to_le_bytes());
            }
            for value in [crc, size, size] {
                out.extend_from_slice(&value.to_le_bytes());
            }
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
        };
        archive.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut archive);
        archive.extend_from_slice(name.as_bytes());
        archive.extend_from_slice(data);
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes()); // made by version 2.0
        fields(&mut directory);
        for value in [0u16, 0, 0] {
            directory.extend_from_slice(&value.to_le_bytes()); // comment, disk, internal attributes
        }
        directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let (directory_offset, directory_size) = (archive.len() as u32, directory.len() as u32);
    archive.extend_from_slice(&directory);
    archive.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    let count = entries.len() as u16;
    for value in [0u16, 0, count, count] {
        archive.extend_from_slice(&value.to_le_bytes());
    }
    archive.extend_from_slice(&directory_size.to_le_bytes());
    archive.extend_from_slice(&directory_offset.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes()); // no comment
    archive
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What numpy 2.4's `np.save` writes before the values, for each of the arrays a saved model holds.
    #[test]
    fn headers_are_numpys_own_byte_for_byte() {
        let numpy = |dict: &str| {
            let mut bytes = b"\x93NUMPY\x01\x00v\x00".to_vec();
            bytes.extend_from_slice(format!("{dict:<117}\n").as_bytes());
            bytes
        };
        let cases: [(&str, &[usize], &str); 4] = [
            ("<f4", &[10, 785], "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 785), }"),
            ("<f8", &[], "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"),
            ("|u1", &[2], "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }"),
            ("<i8", &[0, 784], "{'descr': '<i8', 'fortran_order': False, 'shape': (0, 784), }"),
        ];
        for (descr, shape, dict) in cases {
            assert_eq!(npy_header(descr, shape), numpy(dict), "{dict}");
        }
    }

    #[test]
    fn values_follow_the_header_little_endian() {
        let bytes = npy(&[2], [1.5f32, -2.0]);
        assert_eq!(bytes.len(), 128 + 8);
        assert_eq!(&bytes[128..], [1.5f32.to_le_bytes(), (-2.0f32).to_le_bytes()].concat());
    }
}
