// The wasm package's JS API from Node (initSync with the .wasm bytes): preprocessDigit, fileKind, presets
// and Trainer, and the names of the errors it throws when it refuses input (the page tells them by name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundled as bytes, core, fixture, withFakeClock } from './common.mjs';

const { fileKind, Loader, preprocessDigit, presets, Trainer } = core;

/** An RGBA canvas (like ImageData.data) with `ink(x, y)` in 0..1 drawn in a style. */
function canvas(width, height, style, ink, Array = Uint8ClampedArray) {
  const rgba = new Array(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const v = Math.round(ink(x, y) * 255);
      const i = (y * width + x) * 4;
      const pixel = {
        lightOnDark: [v, v, v, 255],
        darkOnLight: [255 - v, 255 - v, 255 - v, 255],
        colourOnTransparent: [220, 40, 120, v],
      }[style];
      rgba.set(pixel, i);
    }
  }
  return rgba;
}

// A "7"-like shape: a bar along the top and a thick diagonal, off-centre and far larger than 20 px.
const seven = (x, y) => {
  const top = y >= 40 && y < 80 && x >= 200 && x < 440;
  const diagonal = y >= 40 && y < 400 && Math.abs(x - (440 - (y - 40) * 0.5)) < 22;
  return top || diagonal ? 1 : 0;
};

function stats(digit) {
  let mass = 0, cx = 0, cy = 0, left = 28, right = -1, top = 28, bottom = -1;
  digit.forEach((v, i) => {
    const x = i % 28, y = Math.floor(i / 28);
    mass += v; cx += x * v; cy += y * v;
    if (v > 0) {
      left = Math.min(left, x); right = Math.max(right, x);
      top = Math.min(top, y); bottom = Math.max(bottom, y);
    }
  });
  return { cx: cx / mass, cy: cy / mass, width: right - left + 1, height: bottom - top + 1 };
}

test('preprocessDigit centres an off-centre, oversized digit by mass in a 20-px box', () => {
  const digit = preprocessDigit(canvas(600, 460, 'lightOnDark', seven), 600, 460);
  assert.ok(digit instanceof Float32Array && digit.length === 784);
  const { cx, cy, width, height } = stats(digit);
  assert.equal(height, 20, 'the longer side (360 px tall) becomes 20 px');
  assert.ok(width < 20 && width >= 12, `the aspect ratio is kept (${width} px wide)`);
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass (${cx}, ${cy})`);
  assert.ok(digit.every((v) => v >= 0 && v <= 1));
});

test('preprocessDigit reads the three ink styles alike, from Uint8ClampedArray or Uint8Array', () => {
  const reference = preprocessDigit(canvas(600, 460, 'lightOnDark', seven), 600, 460);
  for (const style of ['darkOnLight', 'colourOnTransparent']) {
    for (const ArrayType of [Uint8ClampedArray, Uint8Array]) {
      const digit = preprocessDigit(canvas(600, 460, style, seven, ArrayType), 600, 460);
      const worst = digit.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0);
      assert.ok(worst < 0.01, `${style} (${ArrayType.name}) differs by ${worst}`);
    }
  }
});

test('preprocessDigit returns undefined on a blank canvas and throws on a wrong size', () => {
  for (const style of ['lightOnDark', 'darkOnLight', 'colourOnTransparent']) {
    assert.equal(preprocessDigit(canvas(50, 40, style, () => 0), 50, 40), undefined, style);
  }
  assert.throws(() => preprocessDigit(new Uint8ClampedArray(10), 5, 5), { name: 'DrawingError', message: /5×5 but holds 10 bytes/ });
});

test('Trainer trains from Node and refuses bad input with readable errors', () => {
  const trainer = Trainer.fromNpz(bytes, { epochs: 1, learningRate: 0.1, batchSize: 256, seed: 3, softmax: 'row' });
  const info = trainer.datasetInfo();
  assert.deepEqual([info.trainSamples, info.testSamples, info.features], [8000, 2000, 784]);
  assert.deepEqual(info.imageShape, [28, 28]);
  const first = trainer.step(5);
  assert.deepEqual([first.epoch, first.batch, first.batchesPerEpoch, first.done], [0, 5, 31, false]);
  assert.equal(first.batchLosses.length, 5);
  const last = trainer.step(100);
  assert.equal(last.done, true);
  const evaluation = trainer.evaluate();
  assert.ok(evaluation.testAccuracy > 0.75 && evaluation.trainAccuracy > 0.75);
  let stepped;
  while ((stepped = trainer.evaluateStep(500, false)) === undefined);
  assert.equal(stepped.testAccuracy, evaluation.testAccuracy);
  assert.ok(Number.isNaN(stepped.trainAccuracy));
  const trainedTest = evaluation.testAccuracy;
  assert.throws(() => trainer.restart({ batchSize: 0 }), { name: 'ConfigError', message: /batch size must be at least 1/ });
  assert.equal(trainer.evaluate().testAccuracy, trainedTest, 'a refused restart keeps the trained run');
  trainer.restart({ batchSize: 100, epochs: 2 });
  const restarted = trainer.progress();
  assert.deepEqual([restarted.totalBatches, restarted.batchesPerEpoch, restarted.done], [0, 80, false]);
  assert.ok(trainer.predict(new Float32Array(784)).every((p) => Math.abs(p - 0.1) < 1e-6), 'untrained again');
  trainer.step(1000);
  const probabilities = trainer.predict(new Float32Array(784));
  assert.ok(probabilities instanceof Float32Array && probabilities.length === 10);
  assert.throws(() => trainer.predict(new Float32Array(10)), { name: 'InputError', message: /784 pixels, not 10/ });
  trainer.free();

  assert.throws(() => Trainer.fromNpz(bytes.subarray(0, 1000), {}), { name: 'FileError', message: /not a valid \.npz archive/ });
  assert.throws(() => Trainer.fromNpz(bytes, { batchSize: 9000 }), {
    name: 'ConfigError',
    message: /The batch size 9000 is larger than the 8000 training samples; choose at most 8000/,
  });
  assert.throws(() => Trainer.fromNpz(bytes, { batchSize: 2.5 }), { name: 'ConfigError', message: /batchSize: must be a whole number, not 2.5/ });
  assert.throws(() => Trainer.fromNpz(bytes, { learningRate: -1 }), { name: 'ConfigError', message: /learning rate must be a positive number/ });
  assert.throws(() => Trainer.fromNpz(bytes, { learningRat: 0.1 }), { name: 'ConfigError', message: /learningRat.*learningRate/ });
});

test('config() gives every option of the run, defaults filled in, and restart changes it', () => {
  const trainer = Trainer.fromNpz(bytes, { epochs: 2, seed: 5 });
  const { homework } = presets();
  assert.deepEqual(Object.keys(trainer.config()).sort(), Object.keys(homework).sort());
  assert.deepEqual(trainer.config(), { ...homework, epochs: 2, seed: 5 });
  trainer.restart({ softmax: 'batch', schedule: 'cosine' });
  assert.deepEqual([trainer.config().softmax, trainer.config().schedule], ['batch', 'cosine']);
  assert.throws(() => trainer.restart({ softmax: 'column' }), { name: 'ConfigError' });
  assert.equal(trainer.config().softmax, 'batch', 'a refused restart keeps the settings');
  trainer.free();
});

test('presets() holds the homework settings (the defaults) and the best ones, as full options', () => {
  const { homework, best } = presets();
  assert.deepEqual(Object.keys(best).sort(), Object.keys(homework).sort());
  const { learningRate, batchSize, epochs, softmax } = homework;
  assert.deepEqual({ learningRate, batchSize, epochs, softmax }, { learningRate: 0.1, batchSize: 256, epochs: 10, softmax: 'row' }, 'the homework\'s');
  // Only what the best settings change is named: any other option keeps the homework's value.
  const changes = { learningRate: 0.5, batchSize: 64, epochs: 30, schedule: 'cosine', deskew: true };
  assert.deepEqual(best, { ...homework, ...changes });
  const trainer = Trainer.fromNpz(bytes, {});
  assert.deepEqual(trainer.config(), homework, 'no options: the homework settings');
  trainer.free();
});

test('progress() reads where a run stands without training', () => {
  const trainer = Trainer.fromNpz(bytes, { epochs: 1 });
  const before = trainer.progress();
  assert.deepEqual(
    [before.epoch, before.batch, before.batchesPerEpoch, before.totalBatches, before.done, before.diverged],
    [0, 0, 31, 0, false, false],
  );
  trainer.step(3);
  assert.equal(trainer.progress().totalBatches, 3);
  assert.equal(trainer.progress().totalBatches, 3, 'reading it twice trains nothing');
  assert.equal(trainer.progress().batchLosses, undefined, 'no batches of its own');
  trainer.free();
});

test('stepUntil trains until the deadline, at least a batch, and can stop at an epoch end', () => {
  const trainer = Trainer.fromNpz(bytes, { epochs: 1000 });
  const past = withFakeClock(1000, () => trainer.stepUntil(0, false));
  assert.equal(past.result.batchLosses.length, 1, 'a deadline already past still runs one batch');
  assert.equal(past.result.batchAccuracies.length, 1);
  // The clock reads 100, 101, …: the batch after which it reads 105 is the last.
  const timed = withFakeClock(100, () => trainer.stepUntil(105, false));
  assert.equal(timed.readings, 6, 'the clock is read once a batch');
  assert.equal(timed.result.batchLosses.length, 6, 'it stops after the batch that reaches the deadline');
  assert.equal(timed.result.totalBatches, 7);
  const atEnd = withFakeClock(0, () => trainer.stepUntil(10_000, true)).result;
  assert.equal(atEnd.epochEnded, true, 'stopped at the end of the epoch, long before the deadline');
  assert.equal(atEnd.totalBatches % atEnd.batchesPerEpoch, 0);
  trainer.free();

  const short = Trainer.fromNpz(bytes, { epochs: 1 });
  const done = withFakeClock(0, () => short.stepUntil(10_000, false)).result;
  assert.equal(done.done, true, 'a run ends at its last batch, whatever the deadline');
  assert.equal(done.batchLosses.length, 31);
  short.free();
});

test('fileKind tells a data set from a saved model by its arrays, and anything else is unknown', () => {
  assert.equal(fileKind(bytes), 'dataset');
  assert.equal(fileKind(fixture('model_from_numpy.npz')), 'model');
  assert.equal(fileKind(bytes.subarray(0, 1000)), 'unknown', 'a broken archive');
  assert.equal(fileKind(new TextEncoder().encode('not a zip at all')), 'unknown');
  const trainer = Trainer.fromNpz(bytes, { epochs: 1 });
  assert.equal(fileKind(trainer.exportNpz()), 'model');
  trainer.free();
});

test('importNpz gives the saved settings and test accuracy, or refuses the file', () => {
  const trainer = Trainer.fromNpz(bytes, { epochs: 1, learningRate: 0.25, batchSize: 128, seed: 4 });
  trainer.step(1000);
  const saved = trainer.exportNpz(0.875);
  const other = Trainer.fromNpz(bytes, {});
  const { config, testAccuracy } = other.importNpz(saved);
  assert.deepEqual(config, trainer.config());
  assert.equal(testAccuracy, 0.875);
  assert.deepEqual(other.weights(), trainer.weights(), 'the same model');
  assert.equal(other.importNpz(trainer.exportNpz()).testAccuracy, undefined, 'no accuracy saved, none given');
  const numpy = other.importNpz(fixture('model_from_numpy.npz'));
  assert.equal(typeof numpy.config, 'object');
  assert.throws(() => other.importNpz(bytes), { name: 'FileError' }, 'a data set is not a model');
  assert.throws(() => other.importNpz(fixture('model_wrong_shape.npz')), { name: 'FileError' });
  trainer.free();
  other.free();
});

test('a learning rate that overflows stops with a message and keeps a model that predicts', () => {
  const trainer = Trainer.fromNpz(bytes, { learningRate: 3e38, epochs: 1 });
  const progress = trainer.step(1000);
  assert.equal(progress.diverged, true);
  assert.equal(progress.done, false);
  assert.match(progress.divergence, /overflowed at epoch 1, batch \d+ .*try a smaller learning rate/);
  assert.ok(trainer.predict(new Float32Array(784).fill(0.5)).every(Number.isFinite));
  assert.throws(() => Trainer.fromNpz(bytes, { learningRate: 1e39 }), {
    name: 'ConfigError',
    message: /learning rate must be a positive number, not inf/,
  });
  trainer.free();
});

const argmax = (values) => Array.from(values).reduce((best, v, i, all) => (v > all[best] ? i : best), 0);
const sum = (values) => values.reduce((total, v) => total + v, 0);

/** A trainer on the bundled data trained for `epochs` epochs with `options`. */
function trained(epochs, options = {}) {
  const trainer = Trainer.fromNpz(bytes, { epochs, ...options });
  trainer.step(1_000_000);
  return trainer;
}

/** The first test image `trainer` misreads: { index, image, label, predicted }. */
function firstMistake(trainer) {
  const predictions = trainer.testPredictions();
  const labels = trainer.testLabels();
  const index = predictions.findIndex((p, i) => p !== labels[i]);
  return { index, image: trainer.testImage(index), label: labels[index], predicted: predictions[index] };
}

test('teach makes a misread digit read right and keeps it; bad input is refused and changes nothing', () => {
  const trainer = trained(3);
  const { image, label, predicted } = firstMistake(trainer);
  assert.equal(argmax(trainer.predict(image)), predicted);
  const withNaN = image.slice();
  withNaN[300] = NaN;
  const refusals = [[new Float32Array(10), label], [withNaN, label], [image, 10], [image, -1], [image, 2.5]];
  for (const [pixels, digit] of refusals) {
    const weights = trainer.weights();
    assert.throws(() => trainer.teach(pixels, digit), { name: 'InputError' }, `length ${pixels.length}, label ${digit}`);
    assert.deepEqual(trainer.weights(), weights, `a refusal (label ${digit}) leaves the weights`);
    assert.equal(trainer.correctionLabels().length, 0, 'and keeps no correction');
  }
  const lesson = trainer.teach(image, label);
  assert.deepEqual(Object.keys(lesson).sort(), ['correctionsReadRight', 'learned', 'steps']);
  assert.equal(lesson.learned, true);
  assert.ok(Number.isInteger(lesson.steps) && lesson.steps >= 1, `steps: ${lesson.steps}`);
  assert.equal(lesson.correctionsReadRight, 1);
  assert.equal(argmax(trainer.predict(image)), label, 'read as taught');
  assert.deepEqual(Array.from(trainer.correctionLabels()), [label]);
  assert.deepEqual(trainer.correctionImage(0), image);
  trainer.free();
});

test('evidence: the pixels and biases give the scores, whose difference gives the odds', () => {
  const trainer = trained(3);
  for (const index of [0, 1, 2, firstMistake(trainer).index]) {
    const image = trainer.testImage(index);
    const p = trainer.predict(image);
    const e = trainer.evidence(image);
    assert.equal(e.predicted, argmax(p), `test image ${index}: the top digit`);
    assert.notEqual(e.runnerUp, e.predicted);
    assert.equal(e.forPredicted.length, 784);
    assert.equal(e.forRunnerUp.length, 784);
    assert.equal(e.probabilities.length, 10);
    const top = sum(e.forPredicted) + e.predictedBias;
    const next = sum(e.forRunnerUp) + e.runnerUpBias;
    assert.ok(top >= next, `${top} >= ${next}`);
    const odds = Math.exp(top - next);
    const ratio = p[e.predicted] / p[e.runnerUp];
    assert.ok(Math.abs(odds - ratio) <= 1e-3 * ratio, `exp(score difference) ${odds} against p ratio ${ratio}`);
  }
  assert.throws(() => trainer.evidence(new Float32Array(3)), { name: 'InputError' });
  trainer.free();
});

/** A slanted bar (leaning right, like a quick 1), drawn large and preprocessed as the pad's drawings are. */
function slantedStroke() {
  const ink = (x, y) => (Math.abs(x - (300 + 0.6 * (200 - y))) < 20 && y > 40 && y < 360 ? 1 : 0);
  return preprocessDigit(canvas(600, 400, 'lightOnDark', ink), 600, 400);
}

/** How widely the ink of a 28×28 image spreads over its columns: the standard deviation of x by ink. */
function columnSpread(pixels) {
  let mass = 0, mean = 0, square = 0;
  pixels.forEach((v, i) => {
    const x = i % 28;
    mass += v; mean += x * v; square += x * x * v;
  });
  mean /= mass;
  return Math.sqrt(square / mass - mean * mean);
}

test('modelInput straightens a slanted stroke when the model deskews, and is the input otherwise', () => {
  const stroke = slantedStroke();
  const straight = Trainer.fromNpz(bytes, { deskew: true });
  const plain = Trainer.fromNpz(bytes, { deskew: false });
  const straightened = straight.modelInput(stroke);
  assert.ok(straightened instanceof Float32Array && straightened.length === 784);
  const largest = straightened.reduce((m, v, i) => Math.max(m, Math.abs(v - stroke[i])), 0);
  assert.ok(largest > 0.5, `deskewing moves the ink (largest change ${largest})`);
  assert.ok(columnSpread(straightened) < 0.6 * columnSpread(stroke), `${columnSpread(straightened)} < ${columnSpread(stroke)}`);
  assert.deepEqual(plain.modelInput(stroke), stroke, 'without deskewing the model reads the image as given');
  assert.equal(straight.config().deskew, true);
  straight.free();
  plain.free();
});

test('corrections survive exportNpz → importNpz, and can be removed one by one or all at once', () => {
  const trainer = trained(1);
  const { image, label } = firstMistake(trainer);
  const other = trainer.testImage(5);
  trainer.teach(image, label);
  trainer.teach(other, 8);
  const saved = Trainer.fromNpz(bytes, {});
  saved.importNpz(trainer.exportNpz(0.9));
  assert.deepEqual(Array.from(saved.correctionLabels()), [label, 8]);
  [image, other].forEach((pixels, i) => {
    const worst = saved.correctionImage(i).reduce((m, v, j) => Math.max(m, Math.abs(v - pixels[j])), 0);
    assert.ok(worst <= 1 / 255 + 1e-6, `drawing ${i} comes back within 1/255 (${worst})`);
  });
  assert.deepEqual(saved.weights(), trainer.weights(), 'the model too');
  saved.removeCorrection(0);
  assert.deepEqual(Array.from(saved.correctionLabels()), [8]);
  assert.throws(() => saved.correctionImage(1), { name: 'InputError' });
  saved.clearCorrections();
  assert.equal(saved.correctionLabels().length, 0);
  assert.equal(trainer.correctionLabels().length, 2, 'the original keeps its own');
  trainer.free();
  saved.free();
});

test('deskewing with the best preset reaches 0.93 on the bundled test set', () => {
  const { best } = presets();
  assert.equal(best.deskew, true);
  const trainer = Trainer.fromNpz(bytes, best);
  trainer.step(1_000_000);
  const { testAccuracy } = trainer.evaluate();
  assert.ok(testAccuracy >= 0.93, `best preset with deskewing: ${testAccuracy}`);
  trainer.free();
});

test('Loader reads a data set a slice at a time into the same Trainer fromNpz makes', () => {
  for (const options of [{ epochs: 1 }, { ...presets().best, epochs: 1 }]) {
    const loader = new Loader(bytes, options);
    const seen = [];
    let progress;
    do {
      progress = loader.stepUntil(0); // a deadline already past: one piece of work per call
      seen.push(progress);
    } while (!progress.done);
    const sliced = loader.finish();
    const reading = seen.filter(({ stage }) => stage === 'reading');
    assert.ok(reading.length > 100, `${reading.length} slices of 64 KB`);
    assert.equal(seen.some(({ stage }) => stage === 'straightening'), options.deskew === true);
    assert.ok(reading.every(({ fraction }, i) => i === 0 || fraction >= reading[i - 1].fraction));
    const atOnce = Trainer.fromNpz(bytes, options);
    sliced.step(1000);
    atOnce.step(1000);
    assert.deepEqual(sliced.weights(), atOnce.weights());
    assert.deepEqual(sliced.datasetInfo(), atOnce.datasetInfo());
    sliced.free();
    atOnce.free();
  }
});

test('Loader refuses a bad file by name: the headers at once, the values when it meets them', () => {
  assert.throws(() => new Loader(bytes.subarray(0, 1000), {}), { name: 'FileError' });
  assert.throws(() => new Loader(bytes, { batchSize: 0 }), { name: 'ConfigError' });
  const nan = fixture('loader/bad_nan_pixel.npz');
  const loader = new Loader(nan, {});
  assert.throws(() => loader.stepUntil(Infinity), { name: 'FileError', message: /X_train holds NaN at sample 3, pixel 117/ });
  assert.throws(() => loader.stepUntil(Infinity), { name: 'FileError' }, 'and stays refused');
  loader.free();
  const tooLarge = new Loader(bytes, { batchSize: 9000 });
  assert.throws(() => tooLarge.finish(), { name: 'ConfigError' }, 'options that do not fit the data, once it is read');
});

test('straightenUntil straightens ahead of a deskewing restart, a few samples a call', () => {
  const trainer = Trainer.fromNpz(bytes, {});
  const slice = trainer.straightenUntil(0); // a deadline already past: one slice
  assert.ok(slice > 0 && slice < 0.01, `${slice}`);
  // The clock reads 0, then 1: two more slices.
  const next = withFakeClock(0, () => trainer.straightenUntil(1));
  assert.equal(next.readings, 2, 'the clock is read after every slice, until it reaches the deadline');
  assert.ok(Math.abs(next.result - 3 * slice) < 1e-9, `${next.result}: three slices done`);
  assert.equal(trainer.straightenUntil(Infinity), 1);
  trainer.restart({ deskew: true });
  assert.equal(trainer.config().deskew, true);
  trainer.free();
});
