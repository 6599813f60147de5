//! How a trained model reads an image. A model trained on straightened (deskewed) digits must straighten
//! what it is shown too, so everything that shows the model an image (predicting, the evidence, teaching,
//! scoring, the test results) goes through a [`Reader`]: the weights and their way of reading stay together.

use crate::data::SparseRows;
use crate::digit::deskew;
use crate::error::InputError;
use crate::model::{Evidence, Model};
use crate::CLASSES;
use std::borrow::Cow;

/// How images are prepared before the model sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reading {
    /// As given, as in the seed.
    #[default]
    AsGiven,
    /// Straightened first, as `side`×`side` images.
    Straightened { side: usize },
}

impl Reading {
    /// The reading of a model trained with `deskew` on images of `features` pixels; `None` when deskewing is
    /// asked of images that are not square.
    pub fn of(deskew: bool, features: usize) -> Option<Reading> {
        match (deskew, crate::data::square_side(features)) {
            (false, _) => Some(Reading::AsGiven),
            (true, Some(side)) => Some(Reading::Straightened { side }),
            (true, None) => None,
        }
    }

    pub fn straightens(self) -> bool {
        matches!(self, Reading::Straightened { .. })
    }

    /// The image as the model sees it.
    pub fn prepare(self, pixels: &[f32]) -> Cow<'_, [f32]> {
        match self {
            Reading::AsGiven => Cow::Borrowed(pixels),
            Reading::Straightened { side } => Cow::Owned(deskew(pixels, side)),
        }
    }
}

/// A model and the way it reads images.
#[derive(Debug, Clone, PartialEq)]
pub struct Reader {
    model: Model,
    reading: Reading,
}

impl Reader {
    pub fn new(model: Model, reading: Reading) -> Reader {
        debug_assert!(match reading {
            Reading::Straightened { side } => side * side == model.features(),
            Reading::AsGiven => true,
        });
        Reader { model, reading }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn into_model(self) -> Model {
        self.model
    }

    pub(super) fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }

    pub fn reading(&self) -> Reading {
        self.reading
    }

    /// An image (D finite pixels, as `predict` takes them) as the model sees it; refused when it does not fit.
    pub fn input<'a>(&self, pixels: &'a [f32]) -> Result<Cow<'a, [f32]>, InputError> {
        self.model.check_image(pixels)?;
        Ok(self.reading.prepare(pixels))
    }

    /// Class probabilities of one image given as D pixels.
    pub fn predict(&self, pixels: &[f32]) -> Result<[f32; CLASSES], InputError> {
        self.model.predict(&self.input(pixels)?)
    }

    /// The digit the model reads in the image.
    pub fn classify(&self, pixels: &[f32]) -> Result<usize, InputError> {
        self.model.classify(&self.input(pixels)?)
    }

    /// The pixel-by-pixel evidence (see [`Evidence`]), on the image as the model sees it.
    pub fn evidence(&self, pixels: &[f32]) -> Result<Evidence, InputError> {
        self.model.evidence(&self.input(pixels)?)
    }

    /// Images (already checked to fit) as the model sees them, as sparse rows.
    pub(super) fn rows<'a>(&self, images: impl Iterator<Item = &'a [f32]>) -> SparseRows {
        let mut rows = SparseRows::default();
        for pixels in images {
            rows.push_sample(&self.reading.prepare(pixels));
        }
        rows
    }
}
