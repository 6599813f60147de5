//! Scoring a model on the whole test and training sets, in one go or a slice at a time.

use super::reader::{Reader, Reading};
use crate::data::Dataset;
use crate::model::Tally;
use serde::Serialize;

/// Scores of a model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// NaN when the evaluation left the training set out.
    pub train_accuracy: f32,
    pub test_accuracy: f32,
    pub test_loss: f32,
    /// Batches the model had been trained for when it was scored.
    pub at_batch: usize,
}

/// An evaluation in progress over a snapshot of the weights: the test set, then (if asked) the training set.
#[derive(Debug, Clone)]
pub struct PendingEvaluation {
    reader: Reader,
    at_batch: usize,
    include_train: bool,
    cursor: usize,
    test: Tally,
    train: Tally,
}

impl PendingEvaluation {
    /// An evaluation of `model`, trained for `at_batch` batches, that also scores the training set if
    /// `include_train` (it is usually several times larger than the test set).
    pub(super) fn new(reader: Reader, at_batch: usize, include_train: bool) -> PendingEvaluation {
        PendingEvaluation {
            reader,
            at_batch,
            include_train,
            cursor: 0,
            test: Tally::default(),
            train: Tally::default(),
        }
    }

    /// How the snapshot reads images: `advance` is given the data set read that way.
    pub(super) fn reading(&self) -> Reading {
        self.reader.reading()
    }

    /// Scores at most `max_samples` more samples of `data` (as the snapshot reads it); the finished
    /// evaluation once every sample is scored.
    pub(super) fn advance(&mut self, data: &Dataset, max_samples: usize) -> Option<Evaluation> {
        let train = if self.include_train { data.train.len() } else { 0 };
        let mut budget = max_samples.max(1);
        for (split, tally, offset, len) in
            [(&data.test, &mut self.test, 0, data.test.len()), (&data.train, &mut self.train, data.test.len(), train)]
        {
            let start = self.cursor.saturating_sub(offset);
            let end = len.min(start.saturating_add(budget));
            if start < end {
                tally.add(self.reader.model().tally(split.rows(start, end), &split.labels[start..end]));
                self.cursor = offset + end;
                budget -= end - start;
            }
        }
        (self.cursor == data.test.len() + train).then(|| Evaluation {
            train_accuracy: if self.include_train { self.train.accuracy() } else { f32::NAN },
            test_accuracy: self.test.accuracy(),
            test_loss: self.test.mean_loss(),
            at_batch: self.at_batch,
        })
    }
}
