// The page's wording that depends on values: numbers, digits with their article, probabilities, the
// progress line, compare mode's finding, what a loaded model was trained with and why a file was refused.

export const percent = (value) => `${(value * 100).toFixed(1)} %`;

/**
 * A number with its article, as it is read aloud: "an 8", "an 11", "an 18", "an 80", but "a 7". Only
 * "eight", "eleven" and "eighteen" begin with a vowel sound, in the leading group of three digits.
 */
export function aDigit(number) {
  const digits = String(Math.trunc(number)); // a minus sign is read first: "a -8"
  const lead = digits.slice(0, digits.length % 3 || 3); // 18 of 18,000: "eighteen thousand"
  return `${lead.startsWith('8') || lead === '11' || lead === '18' ? 'an' : 'a'} ${number}`;
}

/**
 * A probability in whole per cent, kept within 1–99 with the side it was kept from: a rounded "100 %" or
 * "0 %" would claim a certainty the model never has (a softmax gives every digit some probability).
 */
function wholePercent(p) {
  const rounded = Math.round(p * 100);
  if (rounded >= 100) return { bound: 'above', value: 99 };
  if (rounded <= 0) return { bound: 'below', value: 1 };
  return { bound: '', value: rounded };
}

/** A probability at a glance: "62 %", "> 99 %" for one that rounds to 100, "< 1 %" for one that rounds to 0. */
export function probabilityText(p) {
  const { bound, value } = wholePercent(p);
  return `${{ above: '> ', below: '< ', '': '' }[bound]}${value} %`;
}

/** The same probability in words, for screen readers: "62 percent", "more than 99 percent", "less than 1 percent". */
export function probabilityWords(p) {
  const { bound, value } = wholePercent(p);
  return `${{ above: 'more than ', below: 'less than ', '': '' }[bound]}${value} percent`;
}

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
  else if (progress) text = `Epoch ${progress.epoch + 1} of ${epochs}, mini-batch ${progress.batch} of ${progress.batchesPerEpoch}`;
  else if (phase === 'running') text = `Epoch 1 of ${epochs}`; // the run has begun; no batch has yet
  return phase === 'paused' ? `${text} (paused)` : text;
}

/** An option's name in words when the page gives it no label: "weightDecay" → "weight decay". */
const inWords = (option) => option.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);

/**
 * Settings in words, every option in the core's order by its label in the form (`labels`: option → label):
 * "learning rate 0.1, mini-batch size 256, …, straighten slanted digits off".
 */
export function settingsText(options, labels = {}) {
  return Object.entries(options)
    .map(([option, value]) => {
      const label = (labels[option] ?? inWords(option)).toLowerCase();
      return `${label} ${typeof value === 'boolean' ? (value ? 'on' : 'off') : value}`;
    })
    .join(', ');
}

/**
 * The notice for a model loaded from `name`: the settings it was trained with (`config`, when the file
 * says; in words by `describe`, e.g. a preset's name) and how it scores on the test set on the page.
 */
export function importedText(name, config, testAccuracy, describe = settingsText) {
  const how = config ? ` (trained with ${describe(config)})` : '';
  return `Loaded ${name}${how}: ${percent(testAccuracy)} on this test set. Draw a digit, or Train to start over.`;
}

/** "the taught drawing" or "the 12 taught drawings": the model's corrections (the visitor's, or shared with them). */
export const taughtDrawings = (count) => (count === 1 ? 'the taught drawing' : `the ${count} taught drawings`);

/** What teaching a drawing as `label` did (`lesson` is the core's `{ steps, learned, correctionsReadRight }`). */
export function taughtText(lesson, label) {
  return lesson.learned
    ? `Learnt: it now reads your drawing as ${aDigit(label)}.`
    : `It could not learn to read this drawing as ${aDigit(label)} without forgetting other digits it reads right; ` +
        'try drawing it more like the others.';
}

/** A digit's score (logit) from its evidence: the pixels' contributions add up, then the bias. */
export const scoreOf = (contributions, bias) => contributions.reduce((sum, c) => sum + c, 0) + bias;

/** How much likelier `top` is than `other` (`ratio` of their probabilities), in words read at a glance. */
function likelier(top, other, ratio) {
  if (ratio < 1.1) return `${top} and ${other} are about as likely`; // "1.0 times as likely" reads as a slip
  const times = ratio < 10 ? ratio.toFixed(1) : ratio < 1e4 ? String(Math.round(ratio)) : compact(ratio);
  return `${top} is ${times} times as likely`;
}

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
    `pixels plus each digit's bias), so ${likelier(predicted, runnerUp, Math.exp(top - next))}.`
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

/** How the core's refusal of a file that is not an .npz (zip) archive begins (src/error.rs, NotAnArchive). */
const NOT_AN_ARCHIVE = 'This file is not a valid .npz archive';

/**
 * Why the file `fileName` was not loaded, from the core's refusal `error`: `{ message, detail }`. A file
 * that is no archive at all gets what the page expected in plain words, with the core's reason as the
 * detail; any other refusal's message already says what is wrong, so it is the message, with no detail.
 */
export function refusedFileText(fileName, error) {
  const reason = error instanceof Error ? error.message : String(error);
  if (error?.name === 'FileError' && reason.startsWith(NOT_AN_ARCHIVE)) {
    return {
      message:
        `${fileName} was not loaded: the page reads .npz files, zip archives of NumPy arrays named X_train, ` +
        'y_train, X_test and y_test (or a model saved from this page).',
      detail: reason,
    };
  }
  return { message: `${fileName} was not loaded. ${reason}`, detail: '' };
}

/**
 * The notice when a link's settings differ from those of the model kept from last time (which scored
 * `testAccuracy`): the link wins, and the kept model is not lost until the visitor trains.
 */
export function keptAsideText(testAccuracy) {
  const score = Number.isFinite(testAccuracy) ? ` (${percent(testAccuracy)})` : '';
  return (
    `This link's settings are in the form. Your model from last time${score} is still kept in this browser ` +
    'until you train: open the page without the link to use it.'
  );
}

/** "1 drawing" or "12 drawings". */
const drawingsCount = (count) => `${count} drawing${count === 1 ? '' : 's'}`;

/**
 * What the page received from a shared link: "A model shared with you: “The best settings”, 12 taught drawings",
 * its score here, and, when the visitor has a model of their own kept (`keptAccuracy`, or undefined for
 * none), that it is kept until they train or teach, and how to get it back.
 */
export function sharedText(settingsName, drawings, testAccuracy, kept = false, keptAccuracy = undefined) {
  const taught = drawings === 0 ? 'no taught drawings' : `${drawings} taught drawing${drawings === 1 ? '' : 's'}`;
  const score = ` It reads ${percent(testAccuracy)} of this test set; draw a digit to try it.`;
  if (!kept) return `A model shared with you: ${settingsName}, ${taught}.${score}`;
  const yours = Number.isFinite(keptAccuracy) ? ` (${percent(keptAccuracy)})` : '';
  return (
    `A model shared with you: ${settingsName}, ${taught}.${score} Your own model${yours} is still kept in this ` +
    'browser, and reloading the page brings it back; it is replaced only if you train or teach.'
  );
}

/** Why a shared link was not opened (`reason`, a sentence), and that nothing changed. */
export function sharedRefusedText(reason) {
  const sentence = /[.!?]$/.test(reason) ? reason : `${reason}.`;
  return `The shared link was not opened. ${sentence} The page opened as usual; nothing you kept has changed.`;
}

/**
 * What Share did: `how` is 'shared' (the phone's share sheet), 'copied' or '' (neither: the link is shown);
 * `drawings` went in the link, `left` (the oldest) did not fit; `size` is the link's length in characters.
 */
export function shareLinkText(how, drawings, left, size, url) {
  const what = `${drawings > 0 ? `the model and ${drawingsCount(drawings)}` : 'the model, no drawings'}, ${(size / 1024).toFixed(1)} KB`;
  const lead = { shared: `Link shared (${what}).`, copied: `Link copied (${what}): whoever opens it gets this model.` };
  const leftOut = left > 0 ? ` Your ${drawingsCount(left)} taught first ${left === 1 ? 'is' : 'are'} not in it: a link holds at most ${drawings}.` : '';
  return `${lead[how] ?? `Share this link (${what}): ${url}`}${leftOut}`;
}
