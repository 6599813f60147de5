//! Multinomial logistic regression (softmax regression) on MNIST.
//!
//! The flow is `data` (load and validate an `.npz`) → `model` (the maths) → `trainer` (resumable
//! mini-batch SGD). The WebAssembly facade in `web` is the only module that knows about wasm-bindgen.

pub mod data;
pub mod model;
pub mod trainer;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use data::{load_npz, DataError, Dataset, CLASSES};
pub use model::{Model, SoftmaxMode};
pub use trainer::{ConfigError, Evaluation, Progress, TrainConfig, Trainer};
