// The wasm trainer, unchunked: each epoch in one `step` call, timed after a few untimed warm-up epochs (so
// V8 has compiled the hot code with its optimising tier). Parameters come in the query string.
import init, { Loader, Trainer } from '../www/pkg/mnist_logreg.js';
import { median } from './stats.js';

/** Loads like the page (www/session/loading.js): 8-ms slices, each in a task of its own; the longest slice. */
async function inSlices(bytes, options) {
  const opened = performance.now();
  const loader = new Loader(bytes, options); // the archive's directory: a slice too
  let longestSliceMs = performance.now() - opened;
  for (;;) {
    await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = resolve;
      channel.port2.postMessage(null);
    });
    const started = performance.now();
    const { done } = loader.stepUntil(started + 8);
    longestSliceMs = Math.max(longestSliceMs, performance.now() - started);
    if (!done) continue;
    const finishing = performance.now();
    const trainer = loader.finish();
    return { trainer, longestSliceMs: Math.max(longestSliceMs, performance.now() - finishing) };
  }
}

async function run() {
  const query = new URLSearchParams(location.search);
  const data = query.get('data') ?? '../data/mini_mnist.npz';
  const epochs = Number(query.get('epochs') ?? 10);
  const warmup = Number(query.get('warmup') ?? 10);
  const deskew = query.get('deskew') === '1'; // loading then also straightens the data set once
  const wasm = await init();
  const bytes = new Uint8Array(await (await fetch(data)).arrayBuffer());
  const sliced = query.get('sliced') === '1'; // loads as the page does: 8-ms slices, a task each
  const loadStarted = performance.now();
  const options = { learningRate: 0.1, batchSize: 256, epochs: warmup + epochs, seed: 0, softmax: 'row', deskew };
  const { trainer, longestSliceMs } = sliced ? await inSlices(bytes, options) : { trainer: Trainer.fromNpz(bytes, options) };
  const loadMs = performance.now() - loadStarted;
  const { trainSamples: samples, testSamples } = trainer.datasetInfo();
  const perEpoch = [];
  let progress = trainer.progress();
  for (let epoch = 0; epoch < warmup; epoch += 1) progress = trainer.step(progress.batchesPerEpoch);
  while (!progress.done) {
    const started = performance.now();
    progress = trainer.step(progress.batchesPerEpoch);
    const seconds = (performance.now() - started) / 1000;
    perEpoch.push((progress.batchesPerEpoch * 256) / seconds);
  }
  const evaluation = trainer.evaluate();
  // Scoring the test set, as the page does at epoch ends (warm, median of 20).
  const evaluationTimes = [];
  for (let i = 0; i < 20; i += 1) {
    const started = performance.now();
    trainer.evaluateStep(1_000_000, false);
    evaluationTimes.push(performance.now() - started);
  }
  const evaluationMs = median(evaluationTimes);
  trainer.free();
  return {
    samples,
    epochs,
    warmup,
    samplesPerSecond: median(perEpoch),
    perEpoch,
    testAccuracy: evaluation.testAccuracy,
    testSetEvaluationMs: evaluationMs,
    testSamples,
    loadMs,
    longestSliceMs,
    wasmMemoryBytes: wasm.memory.buffer.byteLength,
  };
}

window.benchResult = run().catch((error) => ({ error: String(error) }));
