//! Loading and validating a data set from an `.npz` archive.
//!
//! An archive holds `X_train`, `y_train`, `X_test` and `y_test` (other arrays are ignored). Every check
//! that can refuse a file runs on the `.npy` headers before any array is decompressed or allocated, so a
//! tiny hostile file cannot make us reserve gigabytes; decompression itself is capped as well.

mod loader;
pub(crate) mod npz;
pub(crate) mod scalars;
mod sparse;
pub(crate) mod stream;
pub(crate) mod write;

pub use loader::DatasetLoader;
pub use sparse::{SparseRow, SparseRows};

use crate::error::FileError;
use crate::CLASSES;
use npz::ArrayHeader;
use serde::Serialize;
use std::io::Cursor;

/// Largest number of pixels (samples × features) accepted in `X_train` and `X_test` together:
/// 64 Mi, enough for the full MNIST (70,000 × 784 ≈ 55 M) with room to spare.
pub const MAX_PIXELS: usize = 64 * 1024 * 1024;
/// Largest number of features (pixels per sample) accepted.
pub const MAX_FEATURES: usize = 4096;
/// Largest number of samples accepted in one set.
pub const MAX_SAMPLES: usize = 250_000;

/// One set of samples, kept sparsely: row i is the design-matrix row `[1, x_i1, …, x_iD]` (the bias of one
/// prepended, so it multiplies directly with the K×(D+1) weights) with its zeros left out. A blank pixel
/// costs nothing, which is what makes MNIST cheap to hold and to train on.
#[derive(Debug, Clone)]
pub struct Split {
    pub labels: Vec<u8>,
    pub sparse: SparseRows,
    /// Pixels per sample (D), without the bias.
    pub features: usize,
}

impl Split {
    /// Sample `index`'s pixels, all D of them (without the bias).
    pub fn pixels(&self, index: usize) -> Vec<f32> {
        let mut row = self.sparse.dense_row(index, self.features + 1);
        row.remove(0);
        row
    }

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

impl Dataset {
    /// The side of the samples when they are square images (28 for MNIST).
    pub fn square_side(&self) -> Option<usize> {
        self.image_shape.filter(|(height, width)| height == width).map(|(side, _)| side)
    }

    /// What the data set holds, for the page to show.
    pub fn info(&self) -> DatasetInfo<'_> {
        DatasetInfo {
            train_samples: self.train.len(),
            test_samples: self.test.len(),
            features: self.features,
            image_shape: self.image_shape,
            train_class_counts: self.train.class_counts(),
            test_class_counts: self.test.class_counts(),
            notices: &self.notices,
        }
    }
}

/// Sizes, class counts and notices of a data set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetInfo<'a> {
    pub train_samples: usize,
    pub test_samples: usize,
    pub features: usize,
    pub image_shape: Option<(usize, usize)>,
    pub train_class_counts: [usize; CLASSES],
    pub test_class_counts: [usize; CLASSES],
    pub notices: &'a [String],
}

/// The side of a square image of `features` pixels, if there is one.
pub fn square_side(features: usize) -> Option<usize> {
    let side = (features as f64).sqrt().round() as usize;
    (side * side == features).then_some(side)
}

fn split_with_bias(pixels: &[f32], labels: Vec<u8>, features: usize) -> Split {
    assert_eq!(pixels.len(), labels.len() * features, "pixels and labels disagree");
    let mut sparse = SparseRows::default();
    for sample in pixels.chunks_exact(features.max(1)).take(labels.len()) {
        sparse.push_sample(sample);
    }
    Split { labels, sparse, features }
}

/// Loads and validates a data set from the bytes of an `.npz` file (compressed or not), all at once.
pub fn load_npz(bytes: &[u8]) -> Result<Dataset, FileError> {
    DatasetLoader::open(Cursor::new(bytes))?.into_dataset()
}

/// Samples, pixels per sample and (for 3-D arrays) the image's height and width.
type ImagesShape = (usize, usize, Option<(usize, usize)>);

/// Checks an images array's rank and size.
fn check_images(header: &ArrayHeader) -> Result<ImagesShape, FileError> {
    let (samples, features, image) = match header.shape[..] {
        [n, d] => (n, d, None),
        [n, h, w] => match h.checked_mul(w) {
            Some(features) => (n, features, Some((h, w))),
            None => return Err(header.wrong_shape("images of that height and width cannot exist")),
        },
        _ => return Err(header.wrong_shape("images must be 2-D (samples × pixels) or 3-D (samples × height × width)")),
    };
    if samples == 0 || features == 0 {
        return Err(FileError::Empty(header.name));
    }
    if features > MAX_FEATURES {
        return Err(FileError::TooLarge {
            name: header.name,
            detail: format!("{features} pixels per sample"),
            limit: format!("{MAX_FEATURES} pixels per sample"),
        });
    }
    if samples > MAX_SAMPLES {
        return Err(FileError::TooLarge {
            name: header.name,
            detail: format!("{samples} samples"),
            limit: format!("{MAX_SAMPLES} samples per set"),
        });
    }
    Ok((samples, features, image))
}

fn check_labels(header: &ArrayHeader, images: &'static str, samples: usize) -> Result<(), FileError> {
    if header.elem.is_float() {
        return Err(FileError::UnsupportedDtype {
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
        return Err(FileError::LengthMismatch { x: images, x_len: samples, y: header.name, y_len: len });
    }
    Ok(())
}

/// A digit label given as any number (files and JavaScript give doubles): a whole number 0–9, or `None`.
pub fn digit_label(value: f64) -> Option<u8> {
    (value.fract() == 0.0 && (0.0..CLASSES as f64).contains(&value)).then_some(value as u8)
}

/// A data set with every sample's pixels transformed (e.g. deskewed), still sparse, made a few samples at a
/// time so that no one call does it all: train, then test.
#[derive(Debug, Clone, Default)]
pub struct SampleMap {
    train: SparseRows,
    test: SparseRows,
}

impl SampleMap {
    /// Transforms up to `max_samples` more samples of `source`; true once all are done.
    pub fn advance(&mut self, source: &Dataset, max_samples: usize, transform: impl Fn(&[f32]) -> Vec<f32>) -> bool {
        let mut budget = max_samples;
        for (from, to) in [(&source.train, &mut self.train), (&source.test, &mut self.test)] {
            while to.len() < from.len() {
                if budget == 0 {
                    return false;
                }
                to.push_sample(&transform(&from.pixels(to.len())));
                budget -= 1;
            }
        }
        true
    }

    /// How many of `source`'s samples are done, 0 to 1.
    pub fn fraction(&self, source: &Dataset) -> f64 {
        let total = source.train.len() + source.test.len();
        (self.train.len() + self.test.len()) as f64 / total.max(1) as f64
    }

    /// The transformed data set, once `advance` has said all are done.
    pub fn finish(mut self, source: &Dataset) -> Dataset {
        debug_assert!(self.train.len() == source.train.len() && self.test.len() == source.test.len());
        let split = |from: &Split, sparse| Split { labels: from.labels.clone(), sparse, features: from.features };
        Dataset {
            train: split(&source.train, std::mem::take(&mut self.train)),
            test: split(&source.test, std::mem::take(&mut self.test)),
            features: source.features,
            image_shape: source.image_shape,
            notices: source.notices.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::digit_label;

    #[test]
    fn a_label_is_a_whole_number_from_0_to_9() {
        assert_eq!([0.0, 9.0, 3.0].map(digit_label), [Some(0), Some(9), Some(3)]);
        for refused in [10.0, -1.0, 2.5, f64::NAN, f64::INFINITY] {
            assert_eq!(digit_label(refused), None, "{refused}");
        }
    }
}
