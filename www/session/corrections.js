// The visitor's drawings a trainer holds (its corrections, taught with `teach`): read out for the page, and
// carried over to compare mode's second trainer. These call the core: the session calls them in its guard.

/** The drawings `trainer` holds: { label, pixels }, oldest first. */
export function correctionsOf(trainer) {
  return Array.from(trainer.correctionLabels(), (label, index) => ({ label, pixels: trainer.correctionImage(index) }));
}

/**
 * A new, untrained trainer on `data` with `options` that also trains on `trainer`'s drawings, so that its
 * training set, and with the same seed and batch size its batches, are those of `trainer`'s run.
 */
export function trainerWithDrawingsOf(core, data, options, trainer) {
  const other = core.Trainer.fromNpz(data.bytes, options);
  if (trainer.correctionLabels().length > 0) {
    // The drawings come with a saved model; begun again, the model is untrained and the drawings stay.
    other.importNpz(trainer.exportNpz());
    other.restart(options);
  }
  return other;
}
