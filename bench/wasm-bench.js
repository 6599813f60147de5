// The wasm trainer, unchunked: each epoch in one `step` call, timed after a few untimed warm-up epochs (so
// V8 has compiled the hot code with its optimising tier). Parameters come in the query string.
import init, { Trainer } from '../www/pkg/mnist_logreg.js';
import { median } from './stats.js';

async function run() {
  const query = new URLSearchParams(location.search);
  const data = query.get('data') ?? '../data/mini_mnist.npz';
  const epochs = Number(query.get('epochs') ?? 10);
  const warmup = Number(query.get('warmup') ?? 10);
  const deskew = query.get('deskew') === '1'; // loading then also straightens the data set once
  const wasm = await init();
  const bytes = new Uint8Array(await (await fetch(data)).arrayBuffer());
  const loadStarted = performance.now();
  const options = { learningRate: 0.1, batchSize: 256, epochs: warmup + epochs, seed: 0, softmax: 'row', deskew };
  const trainer = Trainer.fromNpz(bytes, options);
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
    wasmMemoryBytes: wasm.memory.buffer.byteLength,
  };
}

window.benchResult = run().catch((error) => ({ error: String(error) }));
