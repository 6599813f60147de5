// The wasm trainer, unchunked: each epoch in one `step` call, timed. Parameters come in the query string.
import init, { Trainer } from '../www/pkg/mnist_logreg.js';
import { median } from './stats.js';

async function run() {
  const query = new URLSearchParams(location.search);
  const data = query.get('data') ?? '../data/mini_mnist.npz';
  const epochs = Number(query.get('epochs') ?? 10);
  await init();
  const bytes = new Uint8Array(await (await fetch(data)).arrayBuffer());
  const trainer = Trainer.fromNpz(bytes, { learningRate: 0.1, batchSize: 256, epochs, seed: 0, softmax: 'row' });
  const samples = trainer.datasetInfo().trainSamples;
  const perEpoch = [];
  let progress = trainer.step(0);
  while (!progress.done) {
    const started = performance.now();
    progress = trainer.step(progress.batchesPerEpoch);
    const seconds = (performance.now() - started) / 1000;
    perEpoch.push((progress.batchesPerEpoch * 256) / seconds);
  }
  const evaluationStarted = performance.now();
  const evaluation = trainer.evaluate();
  const evaluationMs = performance.now() - evaluationStarted;
  trainer.free();
  return {
    samples,
    epochs,
    samplesPerSecond: median(perEpoch),
    perEpoch,
    testAccuracy: evaluation.testAccuracy,
    evaluationMs,
    memoryBytes: performance.memory?.usedJSHeapSize,
  };
}

window.benchResult = run().catch((error) => ({ error: String(error) }));
