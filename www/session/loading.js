// Work that takes seconds on a phone, done in slices between the browser's own tasks, so the page keeps
// responding: reading a data set into a new Trainer, and straightening a data set before a run that
// deskews. Each slice stops at a deadline; the browser handles input and draws between slices.

/** A slice's work: well under the 50 ms a task may take before it blocks the page, even on a phone 4× slower. */
export const SLICE_MS = 8;
/** Progress is told at most this often, and only once the work has taken longer than a moment. */
const PROGRESS_EVERY_MS = 100;

/**
 * Resolves once the browser has had a chance to handle input and draw (a task of its own). Not
 * `scheduler.yield()`: its continuations go ahead of rendering, and the page drew 9 frames a second while a
 * file loaded (62 with a message). Not setTimeout: nested timeouts are held back to 4 ms each.
 */
export function nextSlice() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Calls `slice(deadline)` until it says it is done, a slice per task; `onProgress(report)` hears how far it
 * has got (every PROGRESS_EVERY_MS, from the first report that comes later than that). Resolves to the last
 * report, or to null when `cancelled()` turned true between slices.
 */
async function inSlices(slice, isDone, { onProgress = () => {}, cancelled = () => false }) {
  let told = performance.now();
  for (;;) {
    const report = slice(performance.now() + SLICE_MS);
    if (isDone(report)) return report;
    const now = performance.now();
    if (now - told >= PROGRESS_EVERY_MS) {
      told = now;
      onProgress(report);
    }
    await nextSlice();
    if (cancelled()) return null;
  }
}

/**
 * A new Trainer on the `.npz` in `bytes` with `options`, read a slice at a time: resolves to it, or to null
 * when cancelled. Rejects with the core's FileError or ConfigError when the file or the options are refused.
 * `onProgress({ stage, fraction })`: stage 'reading' or 'straightening' (a run that deskews).
 */
export async function loadInSlices(core, bytes, options, handlers = {}) {
  const loader = new core.Loader(bytes, options); // the archive's directory: a task of its own, then the slices
  let finished = false;
  try {
    await nextSlice();
    const report = await inSlices((deadline) => loader.stepUntil(deadline), (progress) => progress.done, handlers);
    if (!report) return null;
    finished = true; // finish() uses the loader up, even when it throws
    return loader.finish();
  } finally {
    if (!finished) freeQuietly(loader);
  }
}

/** Frees a core object that may be broken already (after the core failed). */
function freeQuietly(object) {
  try {
    object.free();
  } catch {
    // broken: nothing left to free
  }
}

/**
 * Straightens `trainer`'s data set a slice at a time, so that a restart that deskews does not do it in one
 * task; resolves to true when done, false when cancelled. `onProgress({ stage, fraction })` as above.
 */
export async function straightenInSlices(trainer, handlers = {}) {
  const report = await inSlices(
    (deadline) => ({ stage: 'straightening', fraction: trainer.straightenUntil(deadline) }),
    ({ fraction }) => fraction >= 1,
    handlers,
  );
  return report !== null;
}
