//! Multinomial logistic regression (softmax regression) on MNIST.
//!
//! The modules follow the data, each using only those before it: [`data`] loads and validates an `.npz`
//! into sparse rows → [`model`] is the maths (softmax, loss, gradient, the SIMD-friendly kernels) →
//! [`digit`] is MNIST's own image preparation (a drawing made an MNIST-style digit; deskewing) → [`train`]
//! runs resumable mini-batch SGD through a [`train::Reader`] (a model and how it reads images), teaches,
//! scores and saves. [`error`] holds every refusal. The WebAssembly facade [`web`] is the only module that
//! knows about wasm-bindgen; it also compiles natively, so it is unit-tested like the rest.

/// `FromStr`, `Display` and serde's traits for an enum of unit variants, each written as one name in
/// options, flags and messages: `named_variants!(Kind, { Variant => "name", ... })`.
macro_rules! named_variants {
    ($kind:ident, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl std::str::FromStr for $kind {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($name => Ok($kind::$variant),)+
                    other => {
                        let names = [$(format!("{:?}", $name)),+].join(" or ");
                        Err(format!("must be {names}, not {other:?}"))
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

        impl serde::Serialize for $kind {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $kind {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub mod data;
pub mod digit;
pub mod error;
pub mod model;
pub mod train;
pub mod web;

/// Number of classes: the digits 0 to 9.
pub const CLASSES: usize = 10;

pub use data::{load_npz, Dataset};
pub use digit::preprocess_digit;
pub use error::{ConfigError, DrawingError, Error, FileError, InputError, Result, ShareError};
pub use model::{Model, SoftmaxMode};
pub use train::{Evaluation, Progress, Reader, Reading, Schedule, TrainConfig, Trainer};
