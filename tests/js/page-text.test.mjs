// The page's wording that depends on values: the progress line, the comparison of the two softmaxes and
// what a loaded model was trained with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonText, importedText, progressText } from '../../www/page-text.js';

test('the progress line says where a run is, and that it is paused', () => {
  const progress = { epoch: 2, batch: 7, batchesPerEpoch: 31, done: false };
  assert.equal(progressText('loading', null, 10), 'Loading…');
  assert.equal(progressText('ready', null, 10), 'Ready');
  assert.equal(progressText('running', progress, 10), 'Epoch 3 of 10, batch 7 of 31');
  assert.equal(progressText('paused', progress, 10), 'Epoch 3 of 10, batch 7 of 31 (paused)');
  assert.equal(progressText('done', { ...progress, done: true }, 10), 'Done: 10 epochs');
});

test('the comparison names both softmaxes with their test accuracies', () => {
  const text = comparisonText({ testAccuracy: 0.881 }, { testAccuracy: 0.702 });
  assert.match(text, /^Test accuracy: per-row softmax 88\.1 %, whole-batch softmax 70\.2 %\./);
});

test('a loaded model is described by the settings its file holds, when it holds them', () => {
  const config = { learningRate: 0.10000000149011612, batchSize: 256, epochs: 10, seed: 0, softmax: 'row', weightDecay: 0, schedule: 'constant' };
  assert.equal(
    importedText('model.npz', config, 0.8796),
    'Loaded model.npz (trained with learning rate 0.100, batch 256, 10 epochs, row softmax, constant rate): ' +
      '88.0 % on this test set. Draw a digit, or Train to start over.',
  );
  assert.match(importedText('numpy.npz', undefined, 0.5), /^Loaded numpy\.npz: 50\.0 % on this test set\./);
});
