//! Loading a data set in slices from JS: the file is read where JS holds it (not copied into wasm memory),
//! decoded a chunk at a time, straightened a few samples at a time if the run deskews, and then becomes a
//! `Trainer`. The page steps it between frames, so the page keeps responding while a large file loads.

use super::WebTrainer;
use crate::data::DatasetLoader;
use crate::error::{Error, FileError};
use crate::train::{TrainConfig, Trainer};
use serde::Serialize;
#[cfg(target_family = "wasm")]
use wasm_bindgen::prelude::*;

/// Where the file is read from: the page's own buffer in the browser, bytes in memory natively.
#[cfg(target_family = "wasm")]
pub type Source = js::JsBytes;
#[cfg(not(target_family = "wasm"))]
pub type Source = std::io::Cursor<Vec<u8>>;

/// Samples straightened between two looks at the clock (about a millisecond's work).
pub(super) const STRAIGHTEN_AT_ONCE: usize = 64;

/// A data set on its way to becoming a run: `new Loader(bytes, options)`, `stepUntil(deadline)` until it
/// says `done`, then `finish()` gives the `Trainer` (or `free()` gives up).
#[cfg_attr(target_family = "wasm", wasm_bindgen(js_name = Loader))]
pub struct WebLoader {
    stage: Stage,
}

enum Stage {
    Reading(Box<DatasetLoader<Source>>, TrainConfig),
    /// The run on the data, made without deskewing while the data set is straightened.
    Straightening(Box<Trainer>, TrainConfig),
    Ready(Box<Trainer>),
    /// Refused (or finished): nothing more to do.
    Spent,
}

/// How far loading has got: `stage` is `"reading"`, `"straightening"` (a run that deskews) or `"ready"`,
/// `fraction` 0 to 1 of that stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoadProgress {
    pub stage: &'static str,
    pub fraction: f64,
    pub done: bool,
}

impl WebLoader {
    /// Opens the archive's directory and checks the options that need no data, reading nothing else; the
    /// headers are read by the first calls of `step_until`, one a piece of work.
    pub fn new(source: Source, config: TrainConfig) -> Result<WebLoader, Error> {
        config.check()?;
        Ok(WebLoader { stage: Stage::Reading(Box::new(DatasetLoader::open(source)?), config) })
    }

    /// Loads on until `now()` reaches `deadline` (read after every chunk, so each call makes progress) or
    /// the run is ready. A refusal ends the loading; later calls refuse too. JS's `stepUntil` is this with
    /// `performance.now` as the clock.
    pub fn step_until(&mut self, deadline: f64, mut now: impl FnMut() -> f64) -> Result<LoadProgress, Error> {
        loop {
            let stage = std::mem::replace(&mut self.stage, Stage::Spent);
            self.stage = Self::next(stage)?;
            let progress = self.progress();
            if progress.done || now() >= deadline {
                return Ok(progress);
            }
        }
    }

    /// One piece of work: a chunk read, a few samples straightened, or the run made.
    fn next(stage: Stage) -> Result<Stage, Error> {
        Ok(match stage {
            Stage::Reading(mut loader, config) => {
                if !loader.step(1)? {
                    return Ok(Stage::Reading(loader, config));
                }
                let data = loader.into_dataset()?;
                config.validate(&data)?;
                if config.deskew {
                    Stage::Straightening(Box::new(Trainer::new(data, TrainConfig { deskew: false, ..config })?), config)
                } else {
                    Stage::Ready(Box::new(Trainer::new(data, config)?))
                }
            }
            Stage::Straightening(mut trainer, config) => {
                if trainer.straighten_some(STRAIGHTEN_AT_ONCE) {
                    trainer.restart(config)?; // the straightened data is there: no more to do
                    Stage::Ready(trainer)
                } else {
                    Stage::Straightening(trainer, config)
                }
            }
            Stage::Ready(trainer) => Stage::Ready(trainer),
            Stage::Spent => {
                return Err(FileError::Corrupt { name: "the file", reason: "it was refused already".into() }.into())
            }
        })
    }

    pub fn progress(&self) -> LoadProgress {
        let (stage, fraction, done) = match &self.stage {
            Stage::Reading(loader, _) => ("reading", loader.fraction(), false),
            Stage::Straightening(trainer, _) => ("straightening", trainer.straightened_fraction(), false),
            Stage::Ready(_) => ("ready", 1.0, true),
            Stage::Spent => ("reading", 0.0, false),
        };
        LoadProgress { stage, fraction, done }
    }

    /// The run, loading whatever is left at once; the loader is used up.
    pub fn finish(mut self) -> Result<WebTrainer, Error> {
        self.step_until(f64::INFINITY, || 0.0)?;
        match self.stage {
            Stage::Ready(trainer) => Ok(WebTrainer { inner: *trainer, pending: None }),
            _ => unreachable!("step_until runs until the run is ready or refuses"),
        }
    }
}

#[cfg(target_family = "wasm")]
mod js {
    use super::*;
    use crate::web::js::{config_from_js, performance, to_js};
    use std::io::{self, Read, Seek, SeekFrom};

    /// A `Uint8Array` read where it is, a slice at a time (a full-size file stays out of wasm memory).
    pub struct JsBytes {
        array: js_sys::Uint8Array,
        position: u64,
    }

    impl Read for JsBytes {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let len = u64::from(self.array.length());
            let start = self.position.min(len);
            let end = (start + buffer.len() as u64).min(len);
            let count = (end - start) as usize;
            self.array.subarray(start as u32, end as u32).copy_to(&mut buffer[..count]);
            self.position = end;
            Ok(count)
        }
    }

    impl Seek for JsBytes {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            let len = i128::from(self.array.length());
            let position = match to {
                SeekFrom::Start(at) => i128::from(at),
                SeekFrom::End(by) => len + i128::from(by),
                SeekFrom::Current(by) => i128::from(self.position) + i128::from(by),
            };
            self.position = u64::try_from(position)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the file"))?;
            Ok(self.position)
        }
    }

    /// Exported to JavaScript with conversions.
    #[wasm_bindgen(js_class = Loader)]
    impl WebLoader {
        /// Opens the archive's directory and checks the options that need no data; throws a `FileError`
        /// (not a zip archive) or a `ConfigError` when refused.
        #[wasm_bindgen(constructor)]
        pub fn new_js(bytes: js_sys::Uint8Array, options: JsValue) -> Result<WebLoader, Error> {
            WebLoader::new(JsBytes { array: bytes, position: 0 }, config_from_js(options)?)
        }

        /// Loads until `performance.now()` passes `deadline` (a chunk at least): `{ stage, fraction, done }`.
        /// Throws a `FileError` (or a `ConfigError` for options that do not fit the data) when refused.
        #[wasm_bindgen(js_name = stepUntil)]
        pub fn step_until_js(&mut self, deadline: f64) -> Result<JsValue, JsValue> {
            let clock = performance()?;
            Ok(to_js(&self.step_until(deadline, || clock.now())?))
        }

        /// The run on the loaded data (loading whatever is left at once); the loader is used up.
        #[wasm_bindgen(js_name = finish)]
        pub fn finish_js(self) -> Result<WebTrainer, Error> {
            self.finish()
        }
    }
}
