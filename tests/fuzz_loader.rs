//! Fuzzing the loaders: real `.npz` files (the loader fixtures, made by numpy, and a model as the page saves
//! it) mutated at random bytes, truncated, or spliced, must never panic, and must never allocate far beyond
//! what the bytes could hold.
//! `make test` runs a few hundred cases; run longer with `PROPTEST_CASES=100000 cargo test --release --test
//! fuzz_loader`. Every failure proptest finds is saved in `tests/fuzz_loader.proptest-regressions` and
//! replayed first on every run: commit that file.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use mnist_logreg::train::saved::{export_npz, import_npz};
use mnist_logreg::train::Correction;
use mnist_logreg::{load_npz, FileError, Model, Reader, Reading, TrainConfig};
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::OnceLock;

/// Counts the bytes each thread holds (tests run on several threads), to catch an allocation sized from
/// a header rather than from the data.
struct Counting;

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = HELD.try_with(|held| {
            held.set(held.get() + layout.size() as isize);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(held.get())));
        });
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = HELD.try_with(|held| held.set(held.get() - layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/loader");
        let mut paths: Vec<_> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().path()).collect();
        paths.push(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/model_from_numpy.npz").into());
        paths.sort();
        let mut seeds: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
        // A model as the page saves it: every setting, the accuracy and a correction, for images of 784 pixels.
        let weights = ndarray::Array2::from_shape_fn((10, 785), |(k, j)| (k * j % 7) as f32 / 7.0 - 0.5);
        let reader = Reader::new(Model::from_weights(weights.view()), Reading::Straightened { side: 28 });
        let correction = Correction { pixels: vec![0.5; 784], label: 7 };
        seeds.push(export_npz(&reader, &TrainConfig::best(), Some(0.9), &[correction]));
        seeds
    })
}

/// Loads `bytes` both ways and returns the most memory held meanwhile beyond what was held before.
fn peak_while_loading(bytes: &[u8]) -> usize {
    let before = HELD.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let _ = load_npz(bytes);
    let _ = import_npz(bytes, 784);
    (PEAK.with(Cell::get) - before).max(0) as usize
}

/// Deflate expands at most about 1032:1; add room for the decoded arrays and the design matrix.
fn allowance(len: usize) -> usize {
    64 * 1024 * 1024 + len * 1032 * 5
}

/// 300 cases, or as many as PROPTEST_CASES asks for.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_are_refused_or_loaded_never_a_panic(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = seed.get(seeds()).clone();
        for (position, value) in &mutations {
            let index = position.index(bytes.len());
            bytes[index] = *value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let peak = peak_while_loading(&bytes);
        prop_assert!(peak <= allowance(bytes.len()), "{peak} bytes held for a {}-byte file", bytes.len());
    }

    #[test]
    fn headers_with_any_numbers_are_refused_or_loaded(
        seed in any::<prop::sample::Index>(),
        shape in prop::collection::vec(any::<u64>(), 0..5),
    ) {
        // Rewrite the shape of every stored .npy header to arbitrary numbers (uncompressed seeds only).
        let mut bytes = seed.get(seeds()).clone();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(at) = text.find("'shape': (") {
            let end = text[at..].find(')').map_or(at, |e| at + e);
            let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
            let replacement = format!("'shape': ({},", dims.join(", "));
            let width = end - at;
            let mut field = replacement.into_bytes();
            field.resize(width, b' ');
            field.truncate(width);
            bytes[at..end].copy_from_slice(&field);
        }
        let peak = peak_while_loading(&bytes);
        prop_assert!(peak <= allowance(bytes.len()), "{peak} bytes held for a {}-byte file", bytes.len());
    }
}

#[test]
fn random_bytes_and_empty_input_are_refused() {
    assert!(load_npz(&[]).is_err());
    assert!(import_npz(&[], 784).is_err());
    let noise: Vec<u8> = (0..10_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(load_npz(&noise).is_err());
}

/// numpy's own uncompressed file, its X_train and y_train headers edited to claim 60,000 samples (188 MB
/// of float32, within every limit) while the entries still hold 20.
fn headers_claiming_60000_samples() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/loader/ok_uncompressed_float32_2d.npz");
    let mut bytes = std::fs::read(path).unwrap();
    for (from, to) in [
        (b"'shape': (20, 784), }   ".as_slice(), b"'shape': (60000, 784), }".as_slice()),
        (b"'shape': (20,), }   ".as_slice(), b"'shape': (60000,), }".as_slice()),
    ] {
        let at = bytes.windows(from.len()).position(|w| w == from).expect("the header");
        bytes[at..at + from.len()].copy_from_slice(to);
    }
    bytes
}

#[test]
fn a_header_claiming_far_more_data_than_the_file_holds_does_not_reserve_it() {
    let bytes = headers_claiming_60000_samples();
    let refused = load_npz(&bytes).unwrap_err();
    assert!(matches!(refused, FileError::Corrupt { name: "X_train", .. }), "{refused:?}");
    let peak = peak_while_loading(&bytes);
    assert!(peak < 16 * 1024 * 1024, "{peak} bytes held for a {}-byte file", bytes.len());
}

#[test]
fn an_entry_whose_declared_size_lies_does_not_reserve_it() {
    // The archive's directory also claims X_train holds 188 MB (stored, uncompressed): only the 95 KB of
    // the file itself can arrive.
    let mut bytes = headers_claiming_60000_samples();
    let claimed = (60_000u32 * 784 * 4 + 128).to_le_bytes();
    let mut entry = 0;
    while let Some(at) = bytes[entry..].windows(4).position(|w| w == [0x50, 0x4b, 0x01, 0x02]).map(|p| p + entry) {
        let name_len = u16::from_le_bytes([bytes[at + 28], bytes[at + 29]]) as usize;
        if &bytes[at + 46..at + 46 + name_len] == b"X_train.npy" {
            bytes[at + 20..at + 24].copy_from_slice(&claimed); // compressed size
            bytes[at + 24..at + 28].copy_from_slice(&claimed); // uncompressed size
        }
        entry = at + 4;
    }
    assert!(load_npz(&bytes).is_err());
    let peak = peak_while_loading(&bytes);
    assert!(peak < 16 * 1024 * 1024, "{peak} bytes held for a {}-byte file", bytes.len());
}

#[test]
fn a_data_set_is_loaded_holding_little_more_than_its_sparse_rows() {
    // The bundled 10,000 real digits: the decoded images (7.8 MB) must never be held whole, nor the rows
    // grow by doubling (up to twice their size); what is held at the peak is about the rows themselves.
    let bytes = common::bundled_bytes();
    let before = HELD.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let data = load_npz(&bytes).unwrap();
    let peak = (PEAK.with(Cell::get) - before) as usize;
    let stored: usize = [&data.train, &data.test]
        .iter()
        .map(|split| split.sparse.iter().map(|row| row.values.len() * 8 + 8).sum::<usize>())
        .sum();
    assert!(peak < stored + stored / 5 + (2 << 20), "{peak} bytes held at the peak for {stored} bytes of rows");
}

#[test]
fn a_header_of_nested_brackets_is_refused_at_once() {
    // Found by fuzzing: a header of 118 braces kept the header parser, which backtracks at every level, busy
    // for years.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/loader/ok_uncompressed_float32_2d.npz");
    let mut bytes = std::fs::read(path).unwrap();
    let at = bytes.windows(8).position(|w| w == b"{'descr'").expect("the first header");
    bytes[at..at + 118].fill(b'{');
    let refused = load_npz(&bytes).unwrap_err();
    assert!(matches!(refused, FileError::BadArray { name: "X_train", .. }), "{refused:?}");
}
