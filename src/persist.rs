//! Saving a trained model as an `.npz` that numpy reads (`np.load(f)["A"]`), and loading one back.
//!
//! The archive holds `A`, the K×(D+1) float32 weights (first column the bias), and the settings it was
//! trained with as 0-d arrays: `learning_rate` (float64), `batch_size`, `epochs`, `seed` (int64),
//! `softmax_batch` (uint8: 0 for the per-row softmax, 1 for the whole-batch one), `weight_decay` (float64),
//! `schedule_cosine` (uint8: 0 constant, 1 cosine) and `test_accuracy` (float64, NaN when unknown). Loading checks everything it reads, like the data loader.

use crate::data::{DataError, CLASSES};
use crate::model::{Model, SoftmaxMode};
use crate::npz::{has_array, open_archive, read_header, with_values, Archive};
use crate::trainer::{Schedule, TrainConfig};
use ndarray::arr0;
use ndarray_npy::NpzWriter;
use std::io::Cursor;

const MODEL_ARRAYS: &str = "a model's .npz must contain A, the 10×(D+1) weights saved by this page";

/// A model read back from a file, with what is known of how it was trained.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedModel {
    pub model: Model,
    /// The settings, when the file has all of them.
    pub config: Option<TrainConfig>,
    pub test_accuracy: Option<f32>,
}

/// The model and its settings as the bytes of a compressed `.npz`.
pub fn export_npz(model: &Model, config: &TrainConfig, test_accuracy: Option<f32>) -> Vec<u8> {
    let write = || -> Result<Vec<u8>, ndarray_npy::WriteNpzError> {
        let mut npz = NpzWriter::new_compressed(Cursor::new(Vec::new()));
        npz.add_array("A", &model.weights())?;
        npz.add_array("learning_rate", &arr0(f64::from(config.learning_rate)))?;
        npz.add_array("batch_size", &arr0(config.batch_size as i64))?;
        npz.add_array("epochs", &arr0(config.epochs as i64))?;
        npz.add_array("seed", &arr0(config.seed as i64))?;
        npz.add_array("softmax_batch", &arr0(u8::from(config.softmax == SoftmaxMode::Batch)))?;
        npz.add_array("weight_decay", &arr0(f64::from(config.weight_decay)))?;
        npz.add_array("schedule_cosine", &arr0(u8::from(config.schedule == Schedule::Cosine)))?;
        npz.add_array("test_accuracy", &arr0(test_accuracy.map_or(f64::NAN, f64::from)))?;
        Ok(npz.finish()?.into_inner())
    };
    // Writing plain arrays into memory cannot fail.
    write().expect("an in-memory .npz is always writable")
}

/// Reads a model saved by [`export_npz`] (or any `.npz` with a fitting `A`) for images of `features` pixels.
pub fn import_npz(bytes: &[u8], features: usize) -> Result<SavedModel, DataError> {
    let mut archive = open_archive(bytes)?;
    let header = read_header(&mut archive, "A", MODEL_ARRAYS)?;
    if !header.elem.is_float() {
        return Err(DataError::UnsupportedDtype {
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
    let weights: Vec<f32> = with_values(&mut archive, &header, |values| values.map(|v| v as f32).collect())?;
    if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
        return Err(DataError::BadArray {
            name: "A",
            reason: format!(
                "weight {} of row {} is not a finite number",
                index % (features + 1),
                index / (features + 1)
            ),
        });
    }
    let weights = ndarray::Array2::from_shape_vec((CLASSES, features + 1), weights).expect("shape checked above");
    let setting = |archive: &mut Archive, name: &'static str| -> Result<Option<f64>, DataError> {
        if !has_array(archive, name) {
            return Ok(None);
        }
        let header = read_header(archive, name, MODEL_ARRAYS)?;
        if !header.shape.is_empty() {
            return Err(header.wrong_shape("a setting must be a single number (a 0-d array)"));
        }
        with_values(archive, &header, |values| values.next())
    };
    let learning_rate = setting(&mut archive, "learning_rate")?;
    let batch_size = setting(&mut archive, "batch_size")?;
    let epochs = setting(&mut archive, "epochs")?;
    let seed = setting(&mut archive, "seed")?;
    let softmax_batch = setting(&mut archive, "softmax_batch")?;
    let weight_decay = setting(&mut archive, "weight_decay")?.unwrap_or(0.0);
    let schedule_cosine = setting(&mut archive, "schedule_cosine")?.unwrap_or(0.0);
    let test_accuracy = setting(&mut archive, "test_accuracy")?.filter(|a| a.is_finite()).map(|a| a as f32);
    let config = match (learning_rate, batch_size, epochs, seed, softmax_batch) {
        (Some(lr), Some(batch), Some(epochs), Some(seed), Some(batch_mode)) => Some(TrainConfig {
            learning_rate: lr as f32,
            batch_size: batch as usize,
            epochs: epochs as usize,
            seed: seed as u64,
            softmax: if batch_mode != 0.0 { SoftmaxMode::Batch } else { SoftmaxMode::Row },
            weight_decay: weight_decay as f32,
            schedule: if schedule_cosine != 0.0 { Schedule::Cosine } else { Schedule::Constant },
        }),
        _ => None,
    };
    Ok(SavedModel { model: Model::from_weights(weights.view()), config, test_accuracy })
}
