//! What training reports: where it stands, and what each call and each batch did.

use serde::Serialize;

/// Where training stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Epoch of the next batch (0-based); equals `epochs` once done.
    pub epoch: usize,
    /// Batches already run in that epoch.
    pub batch: usize,
    pub batches_per_epoch: usize,
    /// Batches run since the start.
    pub total_batches: usize,
    /// Loss of the last batch run (NaN before the first).
    pub loss: f32,
    /// Fraction of the last batch classified correctly before its update (NaN before the first).
    pub batch_accuracy: f32,
    /// Whether the last call to [`Trainer::step`] finished at least one epoch.
    pub epoch_ended: bool,
    pub done: bool,
    /// Whether training stopped because the loss or the weights stopped being finite numbers; the model
    /// is then the one from before the batch that overflowed, and no further batch runs.
    pub diverged: bool,
}

/// What a call that trains did: where training stands, and the loss and accuracy of every batch it ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    #[serde(flatten)]
    pub progress: Progress,
    /// Set when training diverged: what happened and what to do.
    pub divergence: Option<String>,
    pub batch_losses: Vec<f32>,
    pub batch_accuracies: Vec<f32>,
}

/// What one batch gave: its loss, the fraction it classified correctly before its update, and whether it
/// was its epoch's last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchResult {
    pub loss: f32,
    pub accuracy: f32,
    pub ended_epoch: bool,
}
