//! The data set as a run reads it: as loaded, or straightened. The straightened copy is made once, a slice
//! at a time if the caller wishes, and shared (like the data set) with a twin trainer.

use super::reader::Reading;
use crate::data::{Dataset, SampleMap};
use crate::digit::deskew;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub(super) struct Samples {
    loaded: Arc<Dataset>,
    straightened: Option<Arc<Dataset>>,
    /// The straightened copy while it is being made.
    straightening: SampleMap,
}

impl Samples {
    pub(super) fn new(data: Dataset) -> Samples {
        Samples { loaded: Arc::new(data), straightened: None, straightening: SampleMap::default() }
    }

    pub(super) fn loaded(&self) -> &Dataset {
        &self.loaded
    }

    /// The data set as a model with `reading` sees it. A run that straightens makes the copy first
    /// ([`Samples::straighten_some`] with no limit), so it is there whenever it is asked for.
    pub(super) fn read_as(&self, reading: Reading) -> &Dataset {
        match reading {
            Reading::AsGiven => &self.loaded,
            Reading::Straightened { .. } => self.straightened.as_deref().expect("straightened before it is read"),
        }
    }

    /// Straightens up to `max_samples` more samples; true once all are (or the images are not square).
    pub(super) fn straighten_some(&mut self, max_samples: usize) -> bool {
        let Some(side) = self.loaded.square_side() else { return true };
        if self.straightened.is_some() {
            return true;
        }
        let done = self.straightening.advance(&self.loaded, max_samples, |pixels| deskew(pixels, side));
        if done {
            let made = std::mem::take(&mut self.straightening).finish(&self.loaded);
            self.straightened = Some(Arc::new(made));
        }
        done
    }

    /// How much of the data set is straightened, 0 to 1.
    pub(super) fn straightened_fraction(&self) -> f64 {
        match self.straightened {
            Some(_) => 1.0,
            None => self.straightening.fraction(&self.loaded),
        }
    }
}
