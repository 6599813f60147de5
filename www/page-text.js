// Small helpers for the page's text: finding elements, formatting numbers, showing figures and notices.

export const $ = (id) => document.getElementById(id);

export const percent = (value) => `${(value * 100).toFixed(1)} %`;

export const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** Shows a figure as text, and its exact value in `data-value` (for tests and assistive reading). */
export function setStat(id, text, value) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text; // the same text again would still relayout
  if (value === undefined) delete element.dataset.value;
  else element.dataset.value = String(value);
}

/** The line under the training buttons that says what happened to the model; empty hides it. */
export function showNotice(text) {
  $('model-notice').textContent = text;
  $('model-notice').hidden = !text;
}

/** What compare mode found: the test accuracies of the two softmaxes, and why they differ. */
export function comparisonText(row, batch) {
  return (
    `Test accuracy: per-row softmax ${percent(row.testAccuracy)}, whole-batch softmax ${percent(batch.testAccuracy)}. ` +
    'Dividing by the sum over the whole batch leaves no sample with probabilities that sum to one, so each ' +
    "sample's push towards its own digit is drowned out by the rest of the batch."
  );
}

/** The line beside the progress bar: where a run of `epochs` epochs is, given the page's state. */
export function progressText(state, progress, epochs) {
  let text = 'Ready';
  if (state === 'loading') text = 'Loading…';
  else if (progress?.done) text = `Done: ${epochs} epochs`;
  else if (progress) text = `Epoch ${progress.epoch + 1} of ${epochs}, batch ${progress.batch} of ${progress.batchesPerEpoch}`;
  return state === 'paused' ? `${text} (paused)` : text;
}
