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
use crate::data::write::{npy, stored_zip};
use crate::error::FileError;
use crate::model::{Model, SoftmaxMode};
use crate::CLASSES;
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
    let taught_x = corrections.iter().flat_map(|correction| correction.pixels.iter().map(|&v| grey(v)));
    let taught_y = corrections.iter().map(|correction| correction.label);
    let weights = model.weights();
    let entries = [
        ("A", npy(&[weights.nrows(), weights.ncols()], weights.iter().copied())),
        ("learning_rate", npy(&[], [f64::from(config.learning_rate)])),
        ("batch_size", npy(&[], [config.batch_size as i64])),
        ("epochs", npy(&[], [config.epochs as i64])),
        ("seed", npy(&[], [config.seed as i64])),
        ("softmax_batch", npy(&[], [u8::from(config.softmax == SoftmaxMode::Batch)])),
        ("weight_decay", npy(&[], [f64::from(config.weight_decay)])),
        ("schedule_cosine", npy(&[], [u8::from(config.schedule == Schedule::Cosine)])),
        ("deskew", npy(&[], [u8::from(model.deskews())])),
        ("test_accuracy", npy(&[], [test_accuracy.map_or(f64::NAN, f64::from)])),
        ("taught_x", npy(&[corrections.len(), features], taught_x)),
        ("taught_y", npy(&[corrections.len()], taught_y)),
    ];
    stored_zip(&entries.map(|(name, bytes)| (format!("{name}.npy"), bytes)))
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
