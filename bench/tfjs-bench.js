// The same algorithm in TensorFlow.js on its wasm backend: zero init, bias column, lr 0.1, batch 256, a new
// permutation each epoch, the last partial batch dropped; loss computed each batch as the seed does.
/* global tf */
import { median } from './stats.js';

async function fetchBytes(url) {
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

function shuffled(n, random) {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

async function run() {
  const query = new URLSearchParams(location.search);
  const name = query.get('data') ?? 'mnist_8k';
  const epochs = Number(query.get('epochs') ?? 3);
  tf.wasm.setWasmPaths(new URL('./node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
  await tf.setBackend('wasm');
  await tf.ready();
  const meta = await (await fetch(`./results/${name}.json`)).json();
  const [pixels, labels, testPixels, testLabels] = await Promise.all(
    ['X_train', 'y_train', 'X_test', 'y_test'].map((key) => fetchBytes(`./results/${name}.${key}.u8`)),
  );
  const withBias = (bytes, n) =>
    tf.tidy(() => tf.concat([tf.ones([n, 1]), tf.tensor2d(bytes, [n, meta.features], 'float32').div(255)], 1));
  const x = withBias(pixels, meta.train);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
  const a = tf.variable(tf.zeros([10, meta.features + 1]));
  const batch = 256;
  const batches = Math.floor(meta.train / batch);
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const perEpoch = [];
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    const order = shuffled(meta.train, random);
    const started = performance.now();
    for (let b = 0; b < batches; b += 1) {
      tf.tidy(() => {
        const index = tf.tensor1d(order.subarray(b * batch, (b + 1) * batch), 'int32');
        const xb = tf.gather(x, index);
        const yb = tf.gather(y, index);
        const p = tf.softmax(tf.matMul(xb, a, false, true));
        tf.neg(tf.mean(tf.log(tf.sum(tf.mul(p, yb), 1)))); // the seed's loss, as it computes it
        const gradient = tf.div(tf.matMul(tf.sub(p, yb), xb, true, false), batch);
        a.assign(tf.sub(a, tf.mul(gradient, 0.1)));
      });
    }
    await a.data(); // wait for the epoch's work to finish
    perEpoch.push((batches * batch) / ((performance.now() - started) / 1000));
  }
  const xt = withBias(testPixels, meta.test);
  const predicted = tf.argMax(tf.matMul(xt, a, false, true), 1);
  const truth = tf.tensor1d(testLabels, 'int32');
  const testAccuracy = (await tf.mean(tf.equal(predicted, truth).toFloat()).data())[0];
  return { samples: meta.train, epochs, samplesPerSecond: median(perEpoch), perEpoch, testAccuracy, tfjs: tf.version.tfjs };
}

window.benchResult = run().catch((error) => ({ error: String(error.stack ?? error) }));
