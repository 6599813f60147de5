//! The one description of a training run: [`TrainConfig`]. The page's options, the saved model's settings
//! and the JSON summaries are all read from or written to it with serde (camelCase names), and the
//! command-line trainer's flags are derived from it with clap, so a new setting is added here once (and given its field in the page's form).

use crate::data::Dataset;
use crate::error::ConfigError;
use crate::model::SoftmaxMode;
use serde::{Deserialize, Deserializer, Serialize};

/// Most epochs one run may ask for (a guard against a typo that would train for days).
pub const MAX_EPOCHS: usize = 10_000;
/// Largest seed: 2^53, the largest whole number a JavaScript number holds exactly.
pub const MAX_SEED: u64 = 1 << 53;

/// Training settings. The defaults are the seed homework's. Any field may be left out of the options; an
/// unknown one is refused with the list of known ones. With the `cli` feature they are also the
/// command-line trainer's flags (`--learning-rate`, …), each field's doc its help.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Step size of SGD.
    #[serde(serialize_with = "shortest_decimal")]
    #[cfg_attr(
        feature = "cli",
        arg(long, visible_alias = "lr", default_value_t = TrainConfig::default().learning_rate)
    )]
    pub learning_rate: f32,
    /// Samples per batch; the last partial batch of an epoch is dropped.
    #[serde(deserialize_with = "count")]
    #[cfg_attr(
        feature = "cli",
        arg(long, visible_alias = "batch", default_value_t = TrainConfig::default().batch_size)
    )]
    pub batch_size: usize,
    /// Passes over the training set.
    #[serde(deserialize_with = "count")]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = TrainConfig::default().epochs))]
    pub epochs: usize,
    /// Seed of the shuffle before each epoch.
    #[serde(deserialize_with = "whole_number")]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = TrainConfig::default().seed))]
    pub seed: u64,
    /// "row" (per sample, correct) or "batch" (over the whole batch, the homework's bug).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = TrainConfig::default().softmax))]
    pub softmax: SoftmaxMode,
    /// L2 weight decay λ on the pixel weights (not the biases), from 0 to 1: each step also pulls them
    /// towards zero by `learning_rate · λ · A`. The seed has none.
    #[serde(serialize_with = "shortest_decimal")]
    #[cfg_attr(feature = "cli", arg(long, default_value_t = TrainConfig::default().weight_decay))]
    pub weight_decay: f32,
    /// How the learning rate changes over the run: "constant" (as in the seed) or "cosine".
    #[cfg_attr(feature = "cli", arg(long, default_value_t = TrainConfig::default().schedule))]
    pub schedule: Schedule,
    /// Straighten slanted digits (deskew them) before reading them, in training and after: the
    /// model then applies it itself to everything it is shown. Needs square images. The seed does not.
    #[cfg_attr(feature = "cli", arg(long))]
    pub deskew: bool,
}

/// The learning rate over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Schedule {
    /// The same rate throughout, as in the seed.
    #[default]
    Constant,
    /// Cosine annealing: from the full rate at the first batch down to zero at the last.
    Cosine,
}

named_variants!(Schedule, { Constant => "constant", Cosine => "cosine" });

impl Schedule {
    /// The factor on the learning rate after `done` of `total` batches.
    pub fn factor(self, done: usize, total: usize) -> f32 {
        match self {
            Schedule::Constant => 1.0,
            Schedule::Cosine => (0.5 * (1.0 + (std::f64::consts::PI * done as f64 / total.max(1) as f64).cos())) as f32,
        }
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            learning_rate: 0.1,
            batch_size: 256,
            epochs: 10,
            seed: 0,
            softmax: SoftmaxMode::Row,
            weight_decay: 0.0,
            schedule: Schedule::Constant,
            deskew: false,
        }
    }
}

/// The settings the page offers as one-tap presets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Presets {
    /// The seed homework's settings, which are also the defaults.
    pub homework: TrainConfig,
    pub best: TrainConfig,
}

impl TrainConfig {
    /// The best settings measured on the bundled data: deskewed digits, 30 epochs of batch 64 from a rate
    /// of 0.5 annealed to zero along a cosine.
    pub fn best() -> TrainConfig {
        TrainConfig {
            learning_rate: 0.5,
            batch_size: 64,
            epochs: 30,
            schedule: Schedule::Cosine,
            deskew: true,
            ..TrainConfig::default()
        }
    }

    pub fn presets() -> Presets {
        Presets { homework: TrainConfig::default(), best: TrainConfig::best() }
    }

    /// Reads settings from any serde format (a JS object, JSON), naming the option that does not fit.
    pub fn from_options<'de, D: Deserializer<'de>>(options: D) -> Result<TrainConfig, ConfigError> {
        serde_path_to_error::deserialize(options).map_err(|error| {
            let problem = error.inner().to_string();
            // serde-wasm-bindgen's errors are JS `Error`s, whose text starts with their class.
            let problem = problem.strip_prefix("Error: ").unwrap_or(&problem);
            match error.path().to_string().as_str() {
                "." => ConfigError::Options(problem.to_owned()),
                option => ConfigError::Options(format!("{option}: {problem}")),
            }
        })
    }

    /// Whether these settings can train on `data`.
    pub fn validate(&self, data: &Dataset) -> Result<(), ConfigError> {
        if self.deskew && data.square_side().is_none() {
            return Err(ConfigError::DeskewNeedsSquareImages { features: data.features });
        }
        self.check()?;
        let samples = data.train.len();
        if self.batch_size > samples {
            return Err(ConfigError::BatchTooLarge { batch: self.batch_size, samples });
        }
        Ok(())
    }

    /// What can be refused before the data set is known: everything `validate` checks but the batch
    /// against the number of samples and deskewing against the image shape.
    pub fn check(&self) -> Result<(), ConfigError> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(ConfigError::LearningRate(self.learning_rate.to_string()));
        }
        if !(0.0..=1.0).contains(&self.weight_decay) {
            return Err(ConfigError::WeightDecay(self.weight_decay.to_string()));
        }
        if self.batch_size == 0 {
            return Err(ConfigError::ZeroBatch);
        }
        if self.epochs == 0 {
            return Err(ConfigError::ZeroEpochs);
        }
        if self.epochs > MAX_EPOCHS {
            return Err(ConfigError::TooManyEpochs { epochs: self.epochs, max: MAX_EPOCHS });
        }
        if self.seed > MAX_SEED {
            return Err(ConfigError::SeedTooLarge { seed: self.seed, max: MAX_SEED });
        }
        Ok(())
    }
}

/// A whole number given as any number (JavaScript has only doubles): 3 and 3.0 are read, 2.5 is refused
/// rather than rounded, and so is anything past 2^53, where doubles stop counting exactly.
fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_SEED as f64 {
        Ok(value as u64)
    } else {
        Err(serde::de::Error::custom(format!("must be a whole number, not {value}")))
    }
}

/// A count: a whole number that also fits this machine's `usize` (32 bits in wasm), refused rather than
/// silently capped when it does not.
fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    let whole = whole_number(deserializer)?;
    usize::try_from(whole).map_err(|_| serde::de::Error::custom(format!("must be at most {}, not {whole}", usize::MAX)))
}

/// An f32 as the shortest decimal that reads back as it (0.1, not 0.10000000149011612 as a widening to f64
/// would write it): options are shown to people and put in links.
fn shortest_decimal<S: serde::Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    let decimal: f64 = value.to_string().parse().expect("an f32 printed is a number");
    serializer.serialize_f64(decimal)
}
