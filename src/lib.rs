//! Multinomial logistic regression (softmax regression) on MNIST.
//!
//! The flow is `data` (load and validate an `.npz`) → `model` (the maths) → `trainer` (resumable
//! mini-batch SGD); `preprocess` turns a drawing into an MNIST-style digit. The WebAssembly facade in `web` is the only module that knows about wasm-bindgen.

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
