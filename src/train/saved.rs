//! Saving a trained model as an `.npz` that numpy reads (`np.load(f)["A"]`), and loading one back.
//!
//! The archive holds `A`, the K×(D+1) float32 weights (first column the bias); the settings it was trained
//! with, one 0-d array per field of [`TrainConfig`]; `test_accuracy` (float64, NaN when unknown); and the
//! visitor's corrections: `taught_x` (uint8, N×D grey levels) and `taught_y` (uint8, N digits).
//! A setting's array is named after its field in snake_case and holds a number as float64 or int64, a flag
//! as uint8 0/1; `RENAMED` lists the exceptions. So a new numeric or on/off setting needs no change here.
//! The arrays' names are the file format (numpy users read them, visitors' browsers keep saved files):
//! renaming a field renames its array, unless `RENAMED` keeps the old name.
//! A file lacking one of `FIRST_SETTINGS` loads without settings, one lacking a later setting with its
//! default, one without corrections with none. Loading checks everything it reads, like the data loader.

use super::{Correction, Reader, Reading, TrainConfig};
use crate::data::digit_label;
use crate::data::npz::{has_array, open_archive, read_header, ArrayHeader, InMemory};
use crate::data::scalars::{to_scalars, Scalar};
use crate::data::stream::read_values;
use crate::data::write::{npy, stored_zip};
use crate::error::{ConfigError, FileError};
use crate::model::Model;
use crate::CLASSES;
use ndarray::Array2;
use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::Serialize;
use std::sync::OnceLock;

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
    pub reader: Reader,
    /// The settings, when the file has them (all of `FIRST_SETTINGS` at least).
    pub config: Option<TrainConfig>,
    pub test_accuracy: Option<f32>,
    #[serde(skip)]
    pub corrections: Vec<Correction>,
}

/// Most corrections a file may hold (a visitor's drawings, not a data set).
pub const MAX_CORRECTIONS: usize = 10_000;

/// How a setting is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stored {
    /// float64.
    Float,
    /// int64.
    Whole,
    /// uint8, 1 for true and 0 for false.
    Flag,
    /// uint8 for a setting that is one of two names: 1 for `on`, 0 for `off` (any other number reads as on).
    Either { off: &'static str, on: &'static str },
}

/// The settings whose array is not named after the field, or whose value is a name: (field, array, how).
const RENAMED: [(&str, &str, Stored); 2] = [
    ("softmax", "softmax_batch", Stored::Either { off: "row", on: "batch" }),
    ("schedule", "schedule_cosine", Stored::Either { off: "constant", on: "cosine" }),
];

/// The settings of the first saved files: a file missing one of them (say, numpy's own `A` alone) is
/// loaded without settings; any other missing setting takes its default.
const FIRST_SETTINGS: [&str; 5] = ["learningRate", "batchSize", "epochs", "seed", "softmax"];

/// One setting in the file: its [`TrainConfig`] field (serde's name), its array and how it is stored.
#[derive(Debug)]
struct Setting {
    field: &'static str,
    array: String,
    stored: Stored,
}

/// Every setting, derived once from [`TrainConfig`]'s serde fields and `RENAMED`.
fn settings() -> &'static [Setting] {
    static SETTINGS: OnceLock<Vec<Setting>> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let defaults = to_scalars(&TrainConfig::default()).expect("TrainConfig is flat: flags, numbers and names");
        let setting = |(field, value): (&'static str, Scalar)| {
            if let Some(&(_, array, stored)) = RENAMED.iter().find(|(renamed, ..)| *renamed == field) {
                return Setting { field, array: array.to_owned(), stored };
            }
            let stored = match value {
                Scalar::Bool(_) => Stored::Flag,
                Scalar::Unsigned(_) | Scalar::Signed(_) => Stored::Whole,
                Scalar::Float(_) => Stored::Float,
                Scalar::Text(_) => panic!("the setting {field} is a name: say in RENAMED how it is stored"),
            };
            Setting { field, array: snake_case(field), stored }
        };
        defaults.into_iter().map(setting).collect()
    })
}

/// learningRate → learning_rate
fn snake_case(camel: &str) -> String {
    camel.chars().flat_map(|c| [c.is_uppercase().then_some('_'), Some(c.to_ascii_lowercase())]).flatten().collect()
}

impl Setting {
    /// The setting's value as the bytes of its 0-d `.npy`.
    fn write(&self, value: &Scalar) -> Vec<u8> {
        match (self.stored, value) {
            (Stored::Float, &Scalar::Float(x)) => npy(&[], [x]),
            (Stored::Whole, &Scalar::Unsigned(n)) => npy(&[], [n as i64]),
            (Stored::Whole, &Scalar::Signed(n)) => npy(&[], [n]),
            (Stored::Flag, &Scalar::Bool(flag)) => npy(&[], [u8::from(flag)]),
            (Stored::Either { off, on }, Scalar::Text(name)) if name == off || name == on => {
                npy(&[], [u8::from(name == on)])
            }
            (stored, value) => panic!("the setting {} is {value:?}, which is not stored as {stored:?}", self.field),
        }
    }

    /// The setting's value read from the number in its array, as its serde field reads it.
    fn read(&self, number: f64) -> Scalar {
        match self.stored {
            Stored::Float => Scalar::Float(number),
            Stored::Whole if number.fract() == 0.0 && number >= 0.0 => Scalar::Unsigned(number as u64),
            Stored::Whole if number.fract() == 0.0 => Scalar::Signed(number as i64),
            // Refused by the field, naming the value.
            Stored::Whole => Scalar::Float(number),
            Stored::Flag => Scalar::Bool(number != 0.0),
            Stored::Either { off, on } => Scalar::Text(if number != 0.0 { on } else { off }.to_owned()),
        }
    }

    /// The setting's value as the number its array holds.
    fn number(&self, value: &Scalar) -> f64 {
        match (self.stored, value) {
            (_, &Scalar::Float(x)) => x,
            (_, &Scalar::Unsigned(n)) => n as f64,
            (_, &Scalar::Signed(n)) => n as f64,
            (_, &Scalar::Bool(flag)) => f64::from(u8::from(flag)),
            (Stored::Either { on, .. }, Scalar::Text(name)) => f64::from(u8::from(name == on)),
            (stored, value) => panic!("the setting {} is {value:?}, which is not stored as {stored:?}", self.field),
        }
    }
}

/// The settings as (array name, number) pairs, as an `.npz` holds them: how a shared link carries them
/// (src/train/shared.rs). `deskew` is the reader's, as in [`export_npz`].
pub(super) fn settings_as_numbers(config: &TrainConfig, reading: Reading) -> Vec<(&'static str, f64)> {
    let scalars = to_scalars(config).expect("TrainConfig is flat: flags, numbers and names");
    scalars
        .into_iter()
        .map(|(field, value)| {
            let value = if field == "deskew" { Scalar::Bool(reading.straightens()) } else { value };
            let setting = settings().iter().find(|setting| setting.field == field).expect("every field is a setting");
            (setting.array.as_str(), setting.number(&value))
        })
        .collect()
}

/// The settings from (array name, number) pairs, each checked as its field reads it; a missing one takes its
/// default. Refused: an unknown or repeated name, or a value its field refuses (the reason in words).
pub(super) fn settings_from_numbers(numbers: &[(String, f64)]) -> Result<TrainConfig, String> {
    let mut found: Vec<(&'static str, Scalar)> = Vec::new();
    for (name, number) in numbers {
        let Some(setting) = settings().iter().find(|setting| &setting.array == name) else {
            return Err(format!("there is no setting {name:?}"));
        };
        if found.iter().any(|(field, _)| *field == setting.field) {
            return Err(format!("the setting {name} is given twice"));
        }
        let value = setting.read(*number);
        if let Err(error) = as_config(vec![(setting.field, value.clone())]) {
            return Err(match error {
                ConfigError::Options(problem) => format!("{name}: {problem}"),
                other => other.to_string(),
            });
        }
        found.push((setting.field, value));
    }
    let config = as_config(found).map_err(|error| error.to_string())?;
    config.check().map_err(|error| error.to_string())?;
    Ok(config)
}

/// The model, its settings and the corrections as the bytes of an `.npz`.
pub fn export_npz(
    reader: &Reader,
    config: &TrainConfig,
    test_accuracy: Option<f32>,
    corrections: &[Correction],
) -> Vec<u8> {
    let (weights, features) = (reader.model().weights(), reader.model().features());
    let mut entries = vec![("A".to_owned(), npy(&[weights.nrows(), weights.ncols()], weights.iter().copied()))];
    for (field, mut value) in to_scalars(config).expect("TrainConfig is flat: flags, numbers and names") {
        if field == "deskew" {
            // The reader says whether it straightens what it reads.
            value = Scalar::Bool(reader.reading().straightens());
        }
        let setting = settings().iter().find(|setting| setting.field == field).expect("every field is a setting");
        entries.push((setting.array.clone(), setting.write(&value)));
    }
    entries.push(("test_accuracy".to_owned(), npy(&[], [test_accuracy.map_or(f64::NAN, f64::from)])));
    let grey = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let taught_x = corrections.iter().flat_map(|correction| correction.pixels.iter().map(|&v| grey(v)));
    entries.push(("taught_x".to_owned(), npy(&[corrections.len(), features], taught_x)));
    let taught_y = corrections.iter().map(|correction| correction.label);
    entries.push(("taught_y".to_owned(), npy(&[corrections.len()], taught_y)));
    stored_zip(&entries.into_iter().map(|(name, bytes)| (format!("{name}.npy"), bytes)).collect::<Vec<_>>())
}

/// Reads a model saved by [`export_npz`] (or any `.npz` with a fitting `A`) for images of `features` pixels.
pub fn import_npz(bytes: &[u8], features: usize) -> Result<SavedModel, FileError> {
    let mut archive = open_archive(bytes)?;
    let weights = read_weights(&mut archive, features)?;
    let settings = read_settings(&mut archive)?;
    let test_accuracy = read_number(&mut archive, "test_accuracy")?.filter(|a| a.is_finite()).map(|a| a as f32);
    let reading = reading(&settings, features)?;
    let corrections = read_corrections(&mut archive, features)?;
    let config = config_of(settings);
    let reader = Reader::new(Model::from_weights(weights.view()), reading);
    Ok(SavedModel { reader, config, test_accuracy, corrections })
}

/// `A`, checked: floats, a row per digit and a weight per pixel after the bias, all finite.
fn read_weights(archive: &mut InMemory, features: usize) -> Result<Array2<f32>, FileError> {
    let header = read_header(archive, "A", MODEL_ARRAYS)?;
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
    let weights: Vec<f32> = read_values(archive, &header)?.into_iter().map(|v| v as f32).collect();
    if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
        return Err(FileError::NonFiniteWeight { row: index / (features + 1), column: index % (features + 1) });
    }
    Ok(Array2::from_shape_vec((CLASSES, features + 1), weights).expect("shape checked above"))
}

/// The number in the 0-d array `name`, if the file has it.
fn read_number(archive: &mut InMemory, name: &'static str) -> Result<Option<f64>, FileError> {
    if !has_array(archive, name) {
        return Ok(None);
    }
    let header = read_header(archive, name, MODEL_ARRAYS)?;
    if !header.shape.is_empty() {
        return Err(header.wrong_shape("a setting must be a single number (a 0-d array)"));
    }
    Ok(read_values(archive, &header)?.first().copied())
}

/// The settings the file has, by field, each checked as its field reads it (so a refusal names the array).
fn read_settings(archive: &mut InMemory) -> Result<Vec<(&'static str, Scalar)>, FileError> {
    let mut found = Vec::new();
    for setting in settings() {
        let Some(number) = read_number(archive, &setting.array)? else { continue };
        let value = setting.read(number);
        if let Err(error) = as_config(vec![(setting.field, value.clone())]) {
            let problem = match error {
                ConfigError::Options(problem) => problem,
                other => other.to_string(),
            };
            let reason = format!("it holds no valid setting ({problem})");
            return Err(FileError::BadArray { name: &setting.array, reason });
        }
        found.push((setting.field, value));
    }
    Ok(found)
}

/// The settings as a [`TrainConfig`], through its own serde reading (the missing ones take their defaults).
fn as_config(settings: Vec<(&'static str, Scalar)>) -> Result<TrainConfig, ConfigError> {
    TrainConfig::from_options(MapDeserializer::<_, ValueError>::new(settings.into_iter()))
}

/// The settings, if the file has all of `FIRST_SETTINGS`.
fn config_of(settings: Vec<(&'static str, Scalar)>) -> Option<TrainConfig> {
    let complete = FIRST_SETTINGS.iter().all(|first| settings.iter().any(|(field, _)| field == first));
    complete.then(|| as_config(settings).expect("each setting was read as its field reads it"))
}

/// How the model reads images: straightened if the file says it deskews (settings or not).
fn reading(settings: &[(&'static str, Scalar)], features: usize) -> Result<Reading, FileError> {
    let deskews = settings.contains(&("deskew", Scalar::Bool(true)));
    Reading::of(deskews, features).ok_or_else(|| {
        let reason = format!("it deskews, which needs square images, but these have {features} pixels");
        FileError::BadArray { name: "deskew", reason }
    })
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
    let pixels = read_values(archive, &images)?;
    if let Some(index) = pixels.iter().position(|v| !(0.0..=255.0).contains(v)) {
        let (name, value, sample, pixel) = ("taught_x", pixels[index].to_string(), index / features, index % features);
        return Err(FileError::PixelOutOfRange { name, value, sample, pixel });
    }
    let digits = read_values(archive, &labels)?;
    let mut labels = Vec::with_capacity(digits.len());
    for (index, &value) in digits.iter().enumerate() {
        let label = digit_label(value);
        labels.push(label.ok_or(FileError::LabelOutOfRange { name: "taught_y", value: value.to_string(), index })?);
    }
    let corrections = pixels
        .chunks_exact(features.max(1))
        .zip(labels)
        .map(|(grey, label)| Correction { pixels: grey.iter().map(|&v| (v / 255.0) as f32).collect(), label })
        .collect();
    Ok(corrections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_its_array_and_the_table_names_real_fields() {
        let arrays: Vec<&str> = settings().iter().map(|setting| setting.array.as_str()).collect();
        // The file format's names: files in visitors' browsers and numpy users' code read them.
        let format = ["learning_rate", "batch_size", "epochs", "seed", "softmax_batch", "weight_decay"];
        for name in format.iter().chain(&["schedule_cosine", "deskew"]) {
            assert!(arrays.contains(name), "no array {name} among {arrays:?}");
        }
        // A renamed field would silently drop out of these lists.
        let fields: Vec<&str> = settings().iter().map(|setting| setting.field).collect();
        for field in RENAMED.map(|(field, ..)| field).iter().chain(&FIRST_SETTINGS) {
            assert!(fields.contains(field), "{field} is not a field of TrainConfig: {fields:?}");
        }
    }

    #[test]
    fn a_setting_reads_back_what_it_wrote() {
        for setting in settings() {
            let best = to_scalars(&TrainConfig::best()).unwrap();
            let (_, value) = best.into_iter().find(|(field, _)| *field == setting.field).unwrap();
            let bytes = setting.write(&value);
            let number = match setting.stored {
                Stored::Float => f64::from_le_bytes(bytes[128..].try_into().unwrap()),
                Stored::Whole => i64::from_le_bytes(bytes[128..].try_into().unwrap()) as f64,
                Stored::Flag | Stored::Either { .. } => f64::from(bytes[128]),
            };
            assert_eq!(setting.read(number), value, "{}", setting.field);
        }
    }
}
