// The page's session (www/session/session.js) in Node with the real wasm core and no page: how it tells
// the core refusing input from the core failing, and what it does about each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundled as bytes, core, fixture, pageModule } from './common.mjs';

const { isRefusal } = await pageModule('core.js');
const { aDigit, settingsText } = await pageModule('page-text.js');
const { Session } = await pageModule('session/session.js');
const options = core.presets().homework;

/**
 * A session on the bundled data whose renders are counted; `until(test)` resolves once a render's state
 * passes `test` (at once if the state passes it already).
 */
async function session() {
  const renders = { count: 0 };
  const waiting = new Set();
  const started = new Session((state) => {
    renders.count += 1;
    for (const wait of waiting) if (wait.test(state)) waiting.delete(wait) && wait.resolve();
  });
  const until = (test) => (test(started.state) ? Promise.resolve() : new Promise((resolve) => waiting.add({ test, resolve })));
  assert.ok(await started.start(core, { name: 'bundled', bytes }, options));
  return { session: started, renders, until };
}

test('refusals are told by the name the core gives them, not by their wording', () => {
  let refusal;
  try {
    core.Trainer.fromNpz(bytes, { batchSize: 0 });
  } catch (error) {
    refusal = error;
  }
  assert.equal(isRefusal(refusal), true);
  assert.equal(isRefusal(Object.assign(new Error('The batch size must be at least 1'), { name: 'Error' })), false);
  assert.equal(isRefusal(new WebAssembly.RuntimeError('unreachable')), false);
  assert.equal(isRefusal('FileError'), false);
});

test('a refused data file leaves the data and the model, and says why', async () => {
  const { session: s, renders } = await session();
  const { trainer, data } = s.state;
  const before = renders.count;
  await s.openFile({ name: 'broken.npz', bytes: bytes.subarray(0, 1000) }, options);
  assert.match(s.state.dataError.message, /^broken\.npz was not loaded: the page reads \.npz files/);
  assert.match(s.state.dataError.detail, /^This file is not a valid \.npz archive/);
  assert.equal(s.state.trainer, trainer);
  assert.equal(s.state.data, data);
  assert.ok(renders.count > before, 'the change was drawn');
  assert.equal(s.state.failure, null, 'a refusal is no failure');
});

test('a saved model opened as data is loaded as a model', async () => {
  const { session: s } = await session();
  const other = core.Trainer.fromNpz(bytes, { epochs: 1 });
  other.step(1000);
  await s.openFile({ name: 'saved.npz', bytes: other.exportNpz(0.8) }, options);
  const trainedWith = `Loaded saved.npz (trained with ${settingsText(other.config())}): `;
  other.free();
  assert.equal(s.state.imported, true);
  assert.equal(s.state.data.name, 'bundled', 'the data stay');
  assert.ok(s.state.notice.startsWith(trainedWith), `${s.state.notice} names the settings the file holds`);
  assert.match(s.state.notice.slice(trainedWith.length), /^\d+\.\d % on this test set/);
});

test('when the core fails, the session restarts it on the same data and says so', async () => {
  const { session: s } = await session();
  const broken = s.state.trainer;
  broken.free(); // as a panic inside wasm would leave it
  assert.equal(s.queries.predict(new Float32Array(784)), undefined, 'no answer from a broken core');
  assert.ok(s.state.failure, 'the failure is noted');
  assert.equal(s.queries.weights(), undefined, 'nor any other call until the restart');
  await Promise.resolve(); // the restart comes once the task that met the failure has ended
  assert.equal(s.state.failure, null);
  assert.notEqual(s.state.trainer, broken);
  assert.equal(s.state.phase, 'ready');
  assert.match(s.state.trainError, /^The model stopped working \(.+\)\. The page started it again on the same data\.$/);
  assert.equal(s.queries.predict(new Float32Array(784)).length, 10, 'and the new trainer answers');
});

test('a refused restart keeps the run and says why', async () => {
  const { session: s } = await session();
  const { trainer } = s.state;
  assert.equal(s.freshRun({ ...options, batchSize: 9000 }), false);
  assert.match(s.state.trainError, /larger than the 8000 training samples/);
  assert.equal(s.state.trainer, trainer);
  assert.equal(s.state.failure, null);
});

test('the drawing on the pad can be taught once the model is trained; Reset asks first, then forgets it', async () => {
  const { session: s } = await session();
  const teacher = core.Trainer.fromNpz(bytes, { epochs: 2 });
  teacher.step(1_000_000);
  const predictions = teacher.testPredictions();
  const labels = teacher.testLabels();
  const index = predictions.findIndex((p, i) => p !== labels[i]);
  const pixels = teacher.testImage(index);
  s.showDigit({ pixels, source: '', fromPad: true });
  s.teach(labels[index]);
  assert.equal(s.state.corrections.length, 0, 'an untrained model is not taught');
  assert.ok(s.importModel(teacher.exportNpz(), 'trained.npz'));
  teacher.free();

  s.showDigit({ pixels, source: 'Test image', fromPad: false });
  s.teach(labels[index]);
  assert.equal(s.state.corrections.length, 0, "a test image's digit is known: not taught");
  const broken = pixels.slice();
  broken[10] = NaN;
  s.showDigit({ pixels: broken, source: '', fromPad: true });
  s.teach(labels[index]);
  assert.equal(s.state.taught, 'Pixel 10 is NaN; pixels must be finite numbers', 'a refused drawing says why: the core\'s words');
  assert.equal(s.state.corrections.length, 0, 'and changes nothing');

  s.showDigit({ pixels, source: '', fromPad: true, drawing: true });
  s.teach(labels[index]);
  assert.equal(s.state.corrections.length, 0, 'half a stroke is not taught: the stroke must end first');

  s.showDigit({ pixels, source: '', fromPad: true, drawing: false });
  const untaught = { probabilities: s.queries.predict(pixels), accuracy: s.state.testAccuracy };
  const revision = s.state.revision;
  s.teach(labels[index]);
  assert.equal(s.state.taught, `Learnt: it now reads your drawing as ${aDigit(labels[index])}.`);
  assert.deepEqual(s.state.corrections.map((c) => c.label), [labels[index]]);
  assert.ok(s.state.revision > revision, 'what is drawn from the model is redrawn');
  let p = s.queries.predict(pixels);
  assert.equal(p.indexOf(Math.max(...p)), labels[index]);

  assert.ok(s.state.undo, 'the lesson can be undone');
  s.undoLesson();
  assert.deepEqual(s.queries.predict(pixels), untaught.probabilities, 'Undo brings back the model before it, exactly');
  assert.equal(s.state.testAccuracy, untaught.accuracy);
  assert.deepEqual(s.state.corrections, [], 'and forgets the drawing');
  assert.equal(s.state.undo, null);
  s.teach(labels[index]);
  p = s.queries.predict(pixels);
  assert.equal(p.indexOf(Math.max(...p)), labels[index], 'taught again');

  await s.reset(options);
  assert.equal(s.state.confirmingReset, true, 'Reset asks first');
  assert.equal(s.state.corrections.length, 1, 'and forgets nothing yet');
  await s.reset(options, true);
  assert.equal(s.state.confirmingReset, false);
  assert.deepEqual(s.state.corrections, []);
  assert.equal(s.state.trainer.correctionLabels().length, 0);
  assert.equal(s.state.progress, null, 'an untrained model');
});

test('a data set is read in slices; a file given meanwhile replaces it, and a refusal found late keeps the data', async () => {
  const { session: s } = await session();
  const { trainer } = s.state;
  const other = { name: 'other.npz', bytes: bytes.slice() };
  const first = s.useData({ name: 'first.npz', bytes }, options);
  const second = s.useData(other, options);
  assert.equal(s.state.trainer, trainer, 'the run in use stays while a file is read');
  assert.deepEqual([await first, await second], [false, true]);
  assert.equal(s.state.data, other, 'the file given last is the one taken');
  assert.equal(s.state.loading, null);

  const nan = fixture('loader/bad_nan_pixel.npz');
  const taken = s.state.trainer;
  assert.equal(await s.useData({ name: 'nan.npz', bytes: nan }, options), false);
  assert.match(s.state.dataError.message, /^nan\.npz was not loaded\. .*X_train holds NaN at sample 3, pixel 117/);
  assert.equal(s.state.trainer, taken, 'the data and model stay');
  assert.equal(s.state.failure, null);
});

test('a run that deskews straightens the data set in slices first, and only once', async () => {
  const { session: s } = await session();
  // The training loop paces itself by frames: a stand-in for the browser's.
  globalThis.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 16);
  globalThis.cancelAnimationFrame ??= (id) => clearTimeout(id);
  const best = { ...core.presets().best, epochs: 1 };
  const started = s.train(best);
  assert.equal(s.state.phase, 'loading', 'no Train or Reset while the digits are straightened');
  await started;
  assert.equal(s.state.phase, 'running');
  assert.equal(s.state.deskews, true);
  assert.equal(s.state.loading, null);
  const first = s.state.loop;
  await s.train(best);
  assert.equal(s.state.phase, 'running', 'straightened already: the run starts at once');
  assert.ok(s.state.loop !== first && !first.running, 'the run it replaced has stopped');
  s.state.loop.dispose(); // the first was disposed of by the session: an open port would keep Node running
});

/** A run on the bundled data with `config` alone, trained `batches` batches: what a run with it must equal. */
function aloneAfter(config, batches) {
  const alone = core.Trainer.fromNpz(bytes, config);
  alone.step(batches);
  const weights = alone.weights();
  alone.free();
  return weights;
}

test('compare mode trains a twin of the run (made by the core, nothing read again) on the same batches', async () => {
  const { session: s, until } = await session();
  globalThis.requestAnimationFrame ??= (callback) => setTimeout(() => callback(performance.now()), 16);
  globalThis.cancelAnimationFrame ??= (id) => clearTimeout(id);
  // Long enough to be still running when looked at: it is paused below.
  await s.train({ ...options, epochs: 1000 }, { compare: true });
  assert.equal(s.state.phase, 'running', 'the twin is made at once');
  await until((state) => state.progress?.totalBatches >= 3);
  const { loop, twin, trainer, curves } = s.state;
  loop.dispose();
  assert.ok(twin && twin !== trainer);
  assert.deepEqual([trainer.config().softmax, twin.config().softmax], ['row', 'batch']);
  assert.deepEqual({ ...twin.config(), softmax: 'row' }, trainer.config(), 'only the softmax differs');
  // The same number of batches, and the very batches a run of each alone would have taken (the same seed).
  const batches = trainer.progress().totalBatches;
  assert.equal(twin.progress().totalBatches, batches);
  assert.deepEqual(trainer.weights(), aloneAfter(trainer.config(), batches), 'the run took its own batches');
  assert.deepEqual(twin.weights(), aloneAfter(twin.config(), batches), 'and the twin the same ones');
  assert.equal(curves.compare, true);
  assert.equal(curves.twinLoss.filter((loss) => loss !== null).length, batches, 'a twin loss for every batch');
});
