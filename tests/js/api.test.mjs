// The wasm package's JS API from Node (initSync with the .wasm bytes): preprocessDigit and Trainer.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const { initSync, preprocessDigit, Trainer } = await import(new URL('www/pkg/mnist_logreg.js', root));

before(() => initSync({ module: readFileSync(new URL('www/pkg/mnist_logreg_bg.wasm', root)) }));

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
  assert.throws(() => preprocessDigit(new Uint8ClampedArray(10), 5, 5), /5×5 but holds 10 bytes/);
});

test('Trainer trains from Node and refuses bad input with readable errors', () => {
  const bytes = readFileSync(new URL('data/mini_mnist.npz', root));
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
  assert.throws(() => trainer.restart({ batchSize: 0 }), /batch size must be at least 1/);
  assert.equal(trainer.evaluate().testAccuracy, trainedTest, 'a refused restart keeps the trained run');
  trainer.restart({ batchSize: 100, epochs: 2 });
  const restarted = trainer.step(0);
  assert.deepEqual([restarted.totalBatches, restarted.batchesPerEpoch, restarted.done], [0, 80, false]);
  assert.ok(trainer.predict(new Float32Array(784)).every((p) => Math.abs(p - 0.1) < 1e-6), 'untrained again');
  trainer.step(1000);
  const probabilities = trainer.predict(new Float32Array(784));
  assert.ok(probabilities instanceof Float32Array && probabilities.length === 10);
  assert.throws(() => trainer.predict(new Float32Array(10)), /expects 784 pixels, got 10/);
  trainer.free();

  assert.throws(() => Trainer.fromNpz(bytes.subarray(0, 1000), {}), /not a valid \.npz archive/);
  assert.throws(() => Trainer.fromNpz(bytes, { batchSize: 9000 }), /larger than the 8000 training samples/);
  assert.throws(() => Trainer.fromNpz(bytes, { batchSize: 2.5 }), /batchSize must be a whole number/);
  assert.throws(() => Trainer.fromNpz(bytes, { learningRate: -1 }), /learning rate must be a positive number/);
});

test('a learning rate that overflows stops with a message and keeps a model that predicts', () => {
  const bytes = readFileSync(new URL('data/mini_mnist.npz', root));
  const trainer = Trainer.fromNpz(bytes, { learningRate: 3e38, epochs: 1 });
  const progress = trainer.step(1000);
  assert.equal(progress.diverged, true);
  assert.equal(progress.done, false);
  assert.match(progress.divergence, /overflowed at epoch 1, batch \d+ .*try a smaller learning rate/);
  assert.ok(trainer.predict(new Float32Array(784).fill(0.5)).every(Number.isFinite));
  assert.throws(() => Trainer.fromNpz(bytes, { learningRate: 1e39 }), /learning rate must be a positive number, not inf/);
  trainer.free();
});
