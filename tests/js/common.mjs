// What the tests of the JS side share: the wasm core, ready to call (Node cannot fetch the .wasm from a
// file URL, so it is given its bytes), and the files they read.
import { readFileSync } from 'node:fs';

export const root = new URL('../../', import.meta.url);

/** A file of the repository, by its path from the root: a Buffer. */
export const readRepoFile = (path) => readFileSync(new URL(path, root));

/** The wasm package (www/pkg), initialised. */
export const core = await import(new URL('www/pkg/mnist_logreg.js', root));
core.initSync({ module: readRepoFile('www/pkg/mnist_logreg_bg.wasm') });

/** The bundled data set's bytes (data/mini_mnist.npz). */
export const bundled = readRepoFile('data/mini_mnist.npz');

/** A file of tests/fixtures, by its path there. */
export const fixture = (path) => readRepoFile(`tests/fixtures/${path}`);

/** A page module (www/…), by its path from www/. */
export const pageModule = (path) => import(new URL(`www/${path}`, root));

/**
 * Calls `run` with `performance.now` replaced by a clock that reads `start`, then 1 ms more at every
 * reading (`stepUntil` reads it after each batch); gives what `run` returns and how often the clock was read.
 */
export function withFakeClock(start, run) {
  const real = Object.getOwnPropertyDescriptor(globalThis, 'performance');
  let readings = 0;
  Object.defineProperty(globalThis, 'performance', { value: { now: () => start + readings++ }, configurable: true });
  try {
    return { result: run(), readings };
  } finally {
    Object.defineProperty(globalThis, 'performance', real);
  }
}
