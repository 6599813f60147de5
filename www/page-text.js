// The page's wording that depends on values: numbers, the progress line, compare mode's finding and what a
// loaded model was trained with.

export const percent = (value) => `${(value * 100).toFixed(1)} %`;

export const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** What compare mode found: the test accuracies of the two softmaxes, and why they differ. */
export function comparisonText(row, batch) {
  return (
    `Test accuracy: per-row softmax ${percent(row.testAccuracy)}, whole-batch softmax ${percent(batch.testAccuracy)}. ` +
    'Dividing by the sum over the whole batch leaves no sample with probabilities that sum to one, so each ' +
    "sample's push towards its own digit is drowned out by the rest of the batch."
  );
}

/** The line beside the progress bar: where a run of `epochs` epochs is, given the page's phase. */
export function progressText(phase, progress, epochs) {
  let text = 'Ready';
  if (phase === 'loading') text = 'Loading…';
  else if (progress?.done) text = `Done: ${epochs} epochs`;
  else if (progress) text = `Epoch ${progress.epoch + 1} of ${epochs}, batch ${progress.batch} of ${progress.batchesPerEpoch}`;
  return phase === 'paused' ? `${text} (paused)` : text;
}

/**
 * The notice for a model loaded from `name`: the settings it was trained with (`config`, when the file
 * says) and how it scores on the test set on the page.
 */
export function importedText(name, config, testAccuracy) {
  const how = config
    ? ` (trained with learning rate ${config.learningRate.toPrecision(3)}, batch ${config.batchSize}, ` +
      `${config.epochs} epochs, ${config.softmax} softmax, ${config.schedule} rate)`
    : '';
  return `Loaded ${name}${how}: ${percent(testAccuracy)} on this test set. Draw a digit, or Train to start over.`;
}
