//! Every way the core refuses input, in one place: a file ([`FileError`]), training settings
//! ([`ConfigError`]), a drawing ([`DrawingError`]), an image handed to the model ([`InputError`]) or a
//! shared link's model ([`ShareError`]), and
//! [`Error`], any of them. Each message says what is wrong in words a user can act on; code and tests match
//! the variants, never the wording.

use thiserror::Error;

/// Any refusal of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Any refusal of the core: which kind it is tells the page what was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Drawing(#[from] DrawingError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Share(#[from] ShareError),
}

impl Error {
    /// The kind's name, as the page sees it on the errors it catches (`error.name`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::File(_) => "FileError",
            Error::Config(_) => "ConfigError",
            Error::Drawing(_) => "DrawingError",
            Error::Input(_) => "InputError",
            Error::Share(_) => "ShareError",
        }
    }
}

/// Why an `.npz` (a data set or a saved model) was refused. Every message names the array and the problem.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileError {
    #[error("This file is not a valid .npz archive (not a zip file, or truncated): {0}")]
    NotAnArchive(String),
    #[error("Array {name} is missing: {expected}")]
    MissingArray { name: &'static str, expected: &'static str },
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
    #[error("Weight {column} of row {row} of A is not a finite number")]
    NonFiniteWeight { row: usize, column: usize },
}

/// Training settings that cannot train.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// Options that do not read as settings: an unknown name, a wrong type or a count that is not whole.
    #[error("Invalid options: {0}")]
    Options(String),
    #[error("The learning rate must be a positive number, not {0}")]
    LearningRate(String),
    #[error("The batch size must be at least 1")]
    ZeroBatch,
    #[error("The batch size {batch} is larger than the {samples} training samples; choose at most {samples}")]
    BatchTooLarge { batch: usize, samples: usize },
    #[error("The number of epochs must be at least 1")]
    ZeroEpochs,
    #[error("The number of epochs must be at most {max}, not {epochs}")]
    TooManyEpochs { epochs: usize, max: usize },
    #[error("The weight decay must be a number from 0 to 1, not {0}")]
    WeightDecay(String),
    #[error("The seed must be at most {max} (2^53, the largest whole number JavaScript counts exactly), not {seed}")]
    SeedTooLarge { seed: u64, max: u64 },
    #[error("Deskewing straightens square images, but these samples are {features} pixels that are not one")]
    DeskewNeedsSquareImages { features: usize },
    #[error("Epoch {epoch} has {given} samples in its order but the training set has {samples}")]
    BadOrder { epoch: usize, given: usize, samples: usize },
}

/// A drawing that cannot be read as an image.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DrawingError {
    #[error("The image is {width}×{height} but holds {len} bytes; RGBA needs {expected}")]
    SizeMismatch { width: usize, height: usize, len: usize, expected: usize },
    #[error("The image is {width}×{height}; each side must be between 1 and {max} pixels")]
    BadDimensions { width: usize, height: usize, max: usize },
}

/// An image or index handed to a trained model that does not fit it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("The model reads images of {expected} pixels, not {got}")]
    WrongPixelCount { expected: usize, got: usize },
    #[error("Pixel {index} is {value}; pixels must be finite numbers")]
    NonFinitePixel { index: usize, value: String },
    #[error("There is no test sample {index}; there are {samples}")]
    NoSuchTestSample { index: usize, samples: usize },
    #[error("A digit's label must be a whole number from 0 to 9, not {0}")]
    Label(String),
    #[error("There is no correction {index}; there are {count}")]
    NoSuchCorrection { index: usize, count: usize },
}

/// Why the model in a shared link (src/train/shared.rs) was refused: the link was cut short, altered, or
/// made for other images. Nothing the visitor has is changed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShareError {
    #[error("This link was altered or cut short: its model's checksum does not match")]
    Checksum,
    #[error("This link was made by a newer version of the page (format {0}); this page reads format 1")]
    UnknownVersion(u8),
    #[error("This link is cut short: its model needs at least {needed} bytes but holds {len}")]
    Truncated { needed: usize, len: usize },
    #[error("This link holds {0} bytes more than its model needs")]
    TrailingBytes(usize),
    #[error("This link's settings are not valid: {0}")]
    BadSetting(String),
    #[error("This link's model reads images of {got} pixels, but the data set here has {expected}")]
    WrongFeatures { expected: usize, got: usize },
    #[error("Weight row {row} of this link's model is not a finite number")]
    NonFiniteWeight { row: usize },
    #[error("Weight row {row} of this link's model has a negative scale")]
    NegativeScale { row: usize },
    #[error("This link holds {count} drawings; a link may hold at most {max}")]
    TooManyDrawings { count: usize, max: usize },
    #[error("Drawing {index} of this link is labelled {value}; labels must be digits from 0 to 9")]
    LabelOutOfRange { index: usize, value: u8 },
}
