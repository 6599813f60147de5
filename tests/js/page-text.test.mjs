// The page's wording that depends on values: digits with their article, probabilities, the progress line,
// the comparison of the two softmaxes, what a loaded model was trained with, what teaching did and why a
// file was refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aDigit,
  comparisonText,
  importedText,
  probabilityText,
  probabilityWords,
  progressText,
  refusedFileText,
  settingsText,
  taughtText,
  whyText,
} from '../../www/page-text.js';

/** An error as the core throws it: `name` says which kind of refusal. */
const refusal = (name, message) => Object.assign(new Error(message), { name });

test('a digit has the article it is read aloud with: only 8 of 0–9 takes "an"', () => {
  assert.deepEqual(
    Array.from({ length: 10 }, (_, digit) => aDigit(digit)),
    ['a 0', 'a 1', 'a 2', 'a 3', 'a 4', 'a 5', 'a 6', 'a 7', 'an 8', 'a 9'],
  );
  assert.deepEqual([11, 18, 80, 800, 18000].map(aDigit), ['an 11', 'an 18', 'an 80', 'an 800', 'an 18000']);
  assert.deepEqual([10, 12, 100, 1100].map(aDigit), ['a 10', 'a 12', 'a 100', 'a 1100']);
});

test('a probability is never shown as a certainty: no "100 %" and no "0 %"', () => {
  const shown = [0, 0.004, 0.05, 0.5, 0.994, 0.996, 1].map(probabilityText);
  assert.deepEqual(shown, ['< 1 %', '< 1 %', '5 %', '50 %', '99 %', '> 99 %', '> 99 %']);
  assert.equal(probabilityText(0.005), '1 %', 'what rounds to 1 % is shown as it is');
  assert.deepEqual([0.004, 0.62, 0.996].map(probabilityWords), ['less than 1 percent', '62 percent', 'more than 99 percent']);
  for (let p = 0; p <= 1; p += 0.0005) {
    assert.doesNotMatch(probabilityText(p), /^(100|0) %$/, `p = ${p}`);
  }
});

test('a file that is no .npz at all says what the page reads, with the core\'s reason as the detail', () => {
  const reason = 'This file is not a valid .npz archive (not a zip file, or truncated): invalid Zip archive';
  const { message, detail } = refusedFileText('broken<b>.npz', refusal('FileError', reason));
  assert.equal(
    message,
    'broken<b>.npz was not loaded: the page reads .npz files, zip archives of NumPy arrays named X_train, ' +
      'y_train, X_test and y_test (or a model saved from this page).',
  );
  assert.equal(detail, reason);
});

test('any other refusal of a file is its name and the core\'s message, with no detail', () => {
  const missing = refusal('FileError', 'Array y_test is missing: the test labels');
  assert.deepEqual(refusedFileText('mine.npz', missing), {
    message: 'mine.npz was not loaded. Array y_test is missing: the test labels',
    detail: '',
  });
  // Only the core's FileError is read as "not an archive": settings refused say so as they are.
  const settings = refusal('ConfigError', 'This file is not a valid .npz archive, said nobody');
  assert.equal(refusedFileText('a.npz', settings).detail, '');
  assert.equal(refusedFileText('a.npz', 'plain words').message, 'a.npz was not loaded. plain words');
});

test('what teaching did names the digit with its article', () => {
  assert.equal(taughtText({ learned: true }, 8), 'Learnt: it now reads your drawing as an 8.');
  assert.equal(taughtText({ learned: true }, 7), 'Learnt: it now reads your drawing as a 7.');
  assert.match(taughtText({ learned: false }, 8), /^It could not learn to read this drawing as an 8 without forgetting/);
});

test('the progress line says where a run is, and that it is paused', () => {
  const progress = { epoch: 2, batch: 7, batchesPerEpoch: 31, done: false };
  assert.equal(progressText('loading', null, 10), 'Loading…');
  assert.equal(progressText('ready', null, 10), 'Ready');
  assert.equal(progressText('running', null, 10), 'Epoch 1 of 10', 'a run begun, before its first batch');
  assert.equal(progressText('running', progress, 10), 'Epoch 3 of 10, mini-batch 7 of 31');
  assert.equal(progressText('paused', progress, 10), 'Epoch 3 of 10, mini-batch 7 of 31 (paused)');
  assert.equal(progressText('done', { ...progress, done: true }, 10), 'Done: 10 epochs');
});

test('the comparison names both softmaxes with their test accuracies', () => {
  const text = comparisonText({ testAccuracy: 0.881 }, { testAccuracy: 0.702 });
  assert.match(text, /^Test accuracy: per-row softmax 88\.1 %, whole-batch softmax 70\.2 %\./);
});

test('a loaded model is described by the settings its file holds, when it holds them', () => {
  const labels = { batchSize: 'Mini-batch size', deskew: 'Straighten slanted digits' };
  assert.equal(
    importedText('model.npz', { learningRate: 0.1, batchSize: 256, softmax: 'row', deskew: false }, 0.8796, (c) => settingsText(c, labels)),
    'Loaded model.npz (trained with learning rate 0.1, mini-batch size 256, softmax row, straighten slanted digits off): ' +
      '88.0 % on this test set. Draw a digit, or Train to start over.',
  );
  assert.match(importedText('numpy.npz', undefined, 0.5), /^Loaded numpy\.npz: 50\.0 % on this test set\./);
});

test('why this digit says "about as likely" rather than "1.0 times as likely"', () => {
  const evidence = (top, next) => ({ predicted: 7, runnerUp: 9, forPredicted: [top], forRunnerUp: [next], predictedBias: 0, runnerUpBias: 0 });
  assert.match(whyText(evidence(1.05, 1)), /so 7 and 9 are about as likely\.$/);
  assert.match(whyText(evidence(3, 1)), /so 7 is 7\.4 times as likely\.$/);
});
