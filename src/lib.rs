//! Multinomial logistic regression (softmax regression) on MNIST.
//!
//! The flow is `data` (load and validate an `.npz`) → `model` (the maths) → `trainer` (resumable
//! mini-batch SGD); `preprocess` turns a drawing into an MNIST-style digit. The WebAssembly facade in `web` is the only module that knows about wasm-bindgen.

/// `FromStr` and `Display` for an enum of unit variants, each written as one name in options, saved models
/// and messages: `named_variants!(Kind, "what", { Variant => "name", ... })`.
macro_rules! named_variants {
    ($kind:ident, $what:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl std::str::FromStr for $kind {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($name => Ok($kind::$variant),)+
                    other => {
                        let names = [$(format!("{:?}", $name)),+].join(" or ");
                        Err(format!("{} must be {names}, not {other:?}", $what))
                    }
                }
            }
        }

        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(match self {
                    $($kind::$variant => $name,)+
                })
            }
        }
    };
}

pub mod data;
pub mod kernels;
pub mod model;
mod npz;
pub mod persist;
pub mod preprocess;
pub mod strokes;
pub mod trainer;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use data::{load_npz, DataError, Dataset, CLASSES};
pub use model::{Model, SoftmaxMode};
pub use preprocess::preprocess_digit;
pub use trainer::{BatchResult, ConfigError, Evaluation, PendingEvaluation, Progress, Schedule, TrainConfig, Trainer};
