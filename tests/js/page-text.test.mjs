// The page's wording that depends on state: the progress line and the comparison of the two softmaxes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisonText, progressText } from '../../www/page-text.js';

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
