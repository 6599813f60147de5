// The page's wording that depends on values: numbers, the progress line, compare mode's finding and what a
// loaded model was trained with.

export const percent = (value) => `${(value * 100).toFixed(1)} %`;

let compactFormat;
/** `value` in a few significant digits, e.g. 1.2M (the formatter is made on first use: it takes milliseconds). */
export function compact(value) {
  compactFormat ??= new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
  return compactFormat.format(value);
}

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
      `${config.epochs} epochs, ${config.softmax} softmax, ${config.schedule} rate${config.deskew ? ', deskewed' : ''})`
    : '';
  return `Loaded ${name}${how}: ${percent(testAccuracy)} on this test set. Draw a digit, or Train to start over.`;
}

/** "your drawing" or "your 12 drawings": the visitor's corrections, counted. */
export const yourDrawings = (count) => (count === 1 ? 'your drawing' : `your ${count} drawings`);

/** What teaching a drawing as `label` did (`lesson` is the core's `{ steps, learned, correctionsReadRight }`). */
export function taughtText(lesson, label) {
  return lesson.learned
    ? `Learnt: it now reads your drawing as a ${label}.`
    : `It could not learn to read this drawing as a ${label} without forgetting other digits it reads right; ` +
        'try drawing it more like the others.';
}

/** A digit's score (logit) from its evidence: the pixels' contributions add up, then the bias. */
export const scoreOf = (contributions, bias) => contributions.reduce((sum, c) => sum + c, 0) + bias;

/** How many times as likely: a ratio of probabilities in words a visitor reads at a glance. */
const times = (ratio) => (ratio < 10 ? ratio.toFixed(1) : ratio < 1e4 ? String(Math.round(ratio)) : compact(ratio));

/**
 * The sentence under the evidence pictures (`evidence` is the core's): what they show, and the two scores,
 * which for this linear model are exactly the pictures' sums plus the biases.
 */
export function whyText({ predicted, runnerUp, forPredicted, forRunnerUp, predictedBias, runnerUpBias }) {
  const top = scoreOf(forPredicted, predictedBias);
  const next = scoreOf(forRunnerUp, runnerUpBias);
  return (
    `Each pixel's ink times the digit's weight there: orange pixels add to the score for ${predicted}, blue ` +
    `ones take away. ${predicted} scores ${top.toFixed(1)} and ${runnerUp} scores ${next.toFixed(1)} (the ` +
    `pixels plus each digit's bias), so ${predicted} is ${times(Math.exp(top - next))} times as likely.`
  );
}

/** A text alternative for one evidence picture: what it shows and its total. */
export function evidenceAlt(digit, contributions, bias, runnerUp = false) {
  const sum = scoreOf(contributions, 0);
  return (
    `Evidence for ${digit}${runnerUp ? ', the runner-up' : ''}: each pixel's contribution to its score, orange ` +
    `for and blue against. The pixels add up to ${sum.toFixed(2)}; with the bias ${bias.toFixed(2)} the score ` +
    `is ${(sum + bias).toFixed(2)}.`
  );
}
