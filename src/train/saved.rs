//! Saving a trained model as an `.npz` that numpy reads (`np.load(f)["A"]`), and loading one back.
//!
//! The archive holds `A`, the K×(D+1) float32 weights (first column the bias), and the settings it was
//! trained with as 0-d arrays: `learning_rate` (float64), `batch_size`, `epochs`, `seed` (int64),
//! `softmax_batch` (uint8: 0 for the per-row softmax, 1 for the whole-batch one), `weight_decay` (float64),
//! `schedule_cosine` (uint8: 0 constant, 1 cosine), `deskew` (uint8: 1 when the model straightens what it
//! reads) and `test_accuracy` (float64, NaN when unknown); and the visitor's corrections: `taught_x` (uint8,
//! N×D grey levels) and `taught_y` (uint8, N digits). Files without `deskew` or the corrections load as a
//! model that does not deskew and has none.
//! Loading checks everything it reads, like the data loader. The names are the file format's own (numpy
//! users read them), so they are spelt out here rather than derived from [`TrainConfig`]'s serde names.

use super::{Correction, Schedule, TrainConfig};
use crate::data::npz::{has_array, open_archive, read_header, ArrayHeader, InMemory};
use crate::data::square_side;
use crate::error::FileError;
use crate::model::{Model, SoftmaxMode};
use crate::CLASSES;
use ndarray::{arr0, Array1, Array2};
use ndarray_npy::WriteNpyExt;
use serde::Serialize;

const MODEL_ARRAYS: &str = "a model's .npz must contain A, the 10×(D+1) weights saved by this page";

/// What the arrays of an `.npz` make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// It has `X_train`: a data set.
    Dataset,
    /// It has `A` and no `X_train`: a saved model.
    Model,
    /// Neither, or not an archive at all.
    Unknown,
}

named_variants!(FileKind, { Dataset => "dataset", Model => "model", Unknown => "unknown" });

impl FileKind {
    /// Which kind of file `bytes` is, from the names of its arrays alone (nothing is decompressed).
    pub fn of(bytes: &[u8]) -> FileKind {
        match open_archive(bytes) {
            Ok(archive) if has_array(&archive, "X_train") => FileKind::Dataset,
            Ok(archive) if has_array(&archive, "A") => FileKind::Model,
            _ => FileKind::Unknown,
        }
    }
}

/// A model read back from a file, with what is known of how it was trained (the page is told the settings
/// and the accuracy; the weights stay in the core).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedModel {
    #[serde(skip)]
    pub model: Model,
    /// The settings, when the file has all of them.
    pub config: Option<TrainConfig>,
    pub test_accuracy: Option<f32>,
    #[serde(skip)]
    pub corrections: Vec<Correction>,
}

/// Most corrections a file may hold (a visitor's drawings, not a data set).
pub const MAX_CORRECTIONS: usize = 10_000;

/// The model, its settings and the corrections as the bytes of an `.npz`.
pub fn export_npz(
    model: &Model,
    config: &TrainConfig,
    test_accuracy: Option<f32>,
    corrections: &[Correction],
) -> Vec<u8> {
    let features = model.features();
    let grey = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let taught_x = Array2::from_shape_fn((corrections.len(), features), |(n, i)| grey(corrections[n].pixels[i]));
    let taught_y: Array1<u8> = corrections.iter().map(|correction| correction.label).collect();
    let npy = |write: &dyn Fn(&mut Vec<u8>) -> Result<(), ndarray_npy::WriteNpyError>| {
        let mut bytes = Vec::new();
        write(&mut bytes).expect("writing a plain array into memory cannot fail");
        bytes
    };
    let entries = [
        ("A.npy", npy(&|out| model.weights().write_npy(out))),
        ("learning_rate.npy", npy(&|out| arr0(f64::from(config.learning_rate)).write_npy(out))),
        ("batch_size.npy", npy(&|out| arr0(config.batch_size as i64).write_npy(out))),
        ("epochs.npy", npy(&|out| arr0(config.epochs as i64).write_npy(out))),
        ("seed.npy", npy(&|out| arr0(config.seed as i64).write_npy(out))),
        ("softmax_batch.npy", npy(&|out| arr0(u8::from(config.softmax == SoftmaxMode::Batch)).write_npy(out))),
        ("weight_decay.npy", npy(&|out| arr0(f64::from(config.weight_decay)).write_npy(out))),
        ("schedule_cosine.npy", npy(&|out| arr0(u8::from(config.schedule == Schedule::Cosine)).write_npy(out))),
        ("deskew.npy", npy(&|out| arr0(u8::from(model.deskews())).write_npy(out))),
        ("test_accuracy.npy", npy(&|out| arr0(test_accuracy.map_or(f64::NAN, f64::from)).write_npy(out))),
        ("taught_x.npy", npy(&|out| taught_x.write_npy(out))),
        ("taught_y.npy", npy(&|out| taught_y.write_npy(out))),
    ];
    stored_zip(&entries)
}

/// A zip archive of `entries`, stored uncompressed (what `np.savez` writes). Written here rather than with
/// the zip crate, whose writer would add some 200 KB to the wasm for 31 KB of weights.
fn stored_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
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

/// Reads a model saved by [`export_npz`] (or any `.npz` with a fitting `A`) for images of `features` pixels.
pub fn import_npz(bytes: &[u8], features: usize) -> Result<SavedModel, FileError> {
    let mut archive = open_archive(bytes)?;
    let header = read_header(&mut archive, "A", MODEL_ARRAYS)?;
    if !header.elem.is_float() {
        return Err(FileError::UnsupportedDtype {
            name: "A",
            dtype: header.dtype.clone(),
            reason: "weights must be floats (float32 or float64)".into(),
        });
    }
    if header.shape != [CLASSES, features + 1] {
        return Err(header.wrong_shape(&format!(
            "this data set needs ({CLASSES}, {}): a row per digit and a weight per pixel after the bias",
            features + 1
        )));
    }
    let weights: Vec<f32> = archive.read_values(&header)?.into_iter().map(|v| v as f32).collect();
    if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
        return Err(FileError::NonFiniteWeight { row: index / (features + 1), column: index % (features + 1) });
    }
    let weights = ndarray::Array2::from_shape_vec((CLASSES, features + 1), weights).expect("shape checked above");
    let setting = |archive: &mut InMemory, name: &'static str| -> Result<Option<f64>, FileError> {
        if !has_array(archive, name) {
            return Ok(None);
        }
        let header = read_header(archive, name, MODEL_ARRAYS)?;
        if !header.shape.is_empty() {
            return Err(header.wrong_shape("a setting must be a single number (a 0-d array)"));
        }
        Ok(archive.read_values(&header)?.first().copied())
    };
    let learning_rate = setting(&mut archive, "learning_rate")?;
    let batch_size = setting(&mut archive, "batch_size")?;
    let epochs = setting(&mut archive, "epochs")?;
    let seed = setting(&mut archive, "seed")?;
    let softmax_batch = setting(&mut archive, "softmax_batch")?;
    let weight_decay = setting(&mut archive, "weight_decay")?.unwrap_or(0.0);
    let schedule_cosine = setting(&mut archive, "schedule_cosine")?.unwrap_or(0.0);
    let test_accuracy = setting(&mut archive, "test_accuracy")?.filter(|a| a.is_finite()).map(|a| a as f32);
    let deskew = setting(&mut archive, "deskew")?.is_some_and(|flag| flag != 0.0);
    let side = match (deskew, square_side(features)) {
        (false, _) => None,
        (true, Some(side)) => Some(side),
        (true, None) => {
            let reason = format!("it deskews, which needs square images, but these have {features} pixels");
            return Err(FileError::BadArray { name: "deskew", reason });
        }
    };
    let corrections = read_corrections(&mut archive, features)?;
    let config = match (learning_rate, batch_size, epochs, seed, softmax_batch) {
        (Some(lr), Some(batch), Some(epochs), Some(seed), Some(batch_mode)) => Some(TrainConfig {
            learning_rate: lr as f32,
            batch_size: batch as usize,
            epochs: epochs as usize,
            seed: seed as u64,
            softmax: if batch_mode != 0.0 { SoftmaxMode::Batch } else { SoftmaxMode::Row },
            weight_decay: weight_decay as f32,
            schedule: if schedule_cosine != 0.0 { Schedule::Cosine } else { Schedule::Constant },
            deskew,
        }),
        _ => None,
    };
    let model = Model::from_weights(weights.view()).deskewing(side);
    Ok(SavedModel { model, config, test_accuracy, corrections })
}

/// The corrections `taught_x` (N×D grey levels) and `taught_y` (N digits), if the file has them.
fn read_corrections(archive: &mut InMemory, features: usize) -> Result<Vec<Correction>, FileError> {
    const BOTH: &str = "a model's corrections are taught_x and taught_y together";
    if !has_array(archive, "taught_x") && !has_array(archive, "taught_y") {
        return Ok(Vec::new());
    }
    let images = read_header(archive, "taught_x", BOTH)?;
    let labels = read_header(archive, "taught_y", BOTH)?;
    let count = match images.shape[..] {
        [n, d] if d == features && n <= MAX_CORRECTIONS => n,
        _ => {
            let expected = format!("corrections need (N, {features}) grey levels, N at most {MAX_CORRECTIONS}");
            return Err(images.wrong_shape(&expected));
        }
    };
    if labels.shape != [count] {
        return Err(labels.wrong_shape(&format!("there are {count} corrections, so ({count},) digits")));
    }
    let integers = |header: &ArrayHeader| match header.elem.is_float() {
        false => Ok(()),
        true => Err(FileError::UnsupportedDtype {
            name: header.name,
            dtype: header.dtype.clone(),
            reason: "corrections are integers (uint8)".into(),
        }),
    };
    integers(&images)?;
    integers(&labels)?;
    let pixels = archive.read_values(&images)?;
    if let Some(index) = pixels.iter().position(|v| !(0.0..=255.0).contains(v)) {
        let (name, value, sample, pixel) = ("taught_x", pixels[index].to_string(), index / features, index % features);
        return Err(FileError::PixelOutOfRange { name, value, sample, pixel });
    }
    let digits = archive.read_values(&labels)?;
    if let Some(index) = digits.iter().position(|v| !(0.0..CLASSES as f64).contains(v)) {
        return Err(FileError::LabelOutOfRange { name: "taught_y", value: digits[index].to_string(), index });
    }
    let corrections = pixels
        .chunks_exact(features.max(1))
        .zip(digits)
        .map(|(grey, label)| Correction {
            pixels: grey.iter().map(|&v| (v / 255.0) as f32).collect(),
            label: label as u8,
        })
        .collect();
    Ok(corrections)
}
