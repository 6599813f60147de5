// The learning charts' y axes, fitted to the data so that close runs stand apart: the accuracy axis on whole
// 2 %s, the loss axis (log scale) on round values; both from the data after the first epoch, the previous
// run's included.

const SETTLED_EPOCHS = 1; // the y axes fit the data from here on (when the runs are long enough)
const ACCURACY_STEP = 0.02; // the accuracy axis ends on whole 2 %s
const MIN_ACCURACY_SPAN = 0.04; // the accuracy axis is at least this tall

/**
 * The least and greatest values of `runs` ([x, columns] for each run): of each run, those after `from` epochs,
 * failing that after 0 (so a run just begun is in view), failing that all; null when there are none.
 */
function settledExtent(runs, from) {
  let [low, high] = [Infinity, -Infinity];
  for (const [x, columns] of runs) {
    for (const after of [from, 0, -Infinity]) {
      const found = [Infinity, -Infinity];
      for (const values of columns) {
        for (let i = 0; i < values.length; i += 1) {
          if (values[i] === null || !(x[i] > after)) continue;
          found[0] = Math.min(found[0], values[i]);
          found[1] = Math.max(found[1], values[i]);
        }
      }
      if (found[0] > found[1]) continue;
      [low, high] = [Math.min(low, found[0]), Math.max(high, found[1])];
      break;
    }
  }
  return low <= high ? [low, high] : null;
}

/** Where the y axes fit the data from: after the first epoch, or a quarter of a run shorter than four. */
function settledFrom(curves) {
  return Math.min(SETTLED_EPOCHS, Math.max(curves.epochs, curves.previous?.epochs ?? 0) / 4);
}

/** `value` rounded down (`round` Math.floor) or up (Math.ceil) to a half step of its leading digit. */
function roundLog(value, round) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Number(((round((value / magnitude) * 2) / 2) * magnitude).toPrecision(3));
}

/** The accuracy axis: the data after the first epoch, padded, on whole 2 %s, at most 100 %. */
export function accuracyRange(curves) {
  const { previous } = curves;
  const own = [curves.testAccuracy, curves.trainAccuracy, ...(curves.compare ? [curves.twinTest] : [])];
  const runs = [[curves.x, own], ...(previous ? [[previous.x, [previous.testAccuracy]]] : [])];
  const extent = settledExtent(runs, settledFrom(curves));
  if (!extent) return [0, 1];
  const [low, high] = extent;
  const pad = Math.max(0.01, (high - low) / 10);
  const step = (v, round) => Math.round(round(v / ACCURACY_STEP) * ACCURACY_STEP * 1000) / 1000;
  const max = Math.min(1, step(high + pad, Math.ceil));
  return [Math.max(0, Math.min(step(low - pad, Math.floor), max - MIN_ACCURACY_SPAN)), max];
}

/**
 * The loss axis (log scale): the smoothed losses from the start (on a log scale the untrained model's loss
 * costs little room, and a curve that comes in from above the chart looks broken), widened by the raw
 * losses' usual spread about them after the first epoch, so that the faint raw series mostly fits too.
 */
export function lossRange(curves) {
  const { previous } = curves;
  const from = settledFrom(curves);
  const own = [curves.smoothedLoss, ...(curves.compare ? [curves.twinSmoothedLoss] : [])];
  const runs = [[curves.x, own], ...(previous ? [[previous.x, [previous.smoothedLoss]]] : [])];
  const extent = settledExtent(runs, -1);
  if (!extent) return [0.1, 10];
  let squares = 0;
  let count = 0;
  curves.x.forEach((x, i) => {
    const [raw, smooth] = [curves.batchLoss[i], curves.smoothedLoss[i]];
    if (!(x > from) || raw === null || smooth === null) return;
    squares += Math.log(raw / smooth) ** 2;
    count += 1;
  });
  const spread = Math.min(3, Math.max(1.15, Math.exp(1.5 * Math.sqrt(squares / Math.max(count, 1)))));
  return [roundLog(extent[0] / spread, Math.floor), roundLog(extent[1] * spread, Math.ceil)];
}

/** A few round values between `min` and `max` for the log-scale loss axis (uPlot labels only powers of ten). */
export function lossTicks(u, axis, min, max) {
  const ticks = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power += 1) {
    for (const leading of [1, 1.5, 2, 3, 5, 7]) {
      const tick = Number((leading * 10 ** power).toPrecision(2));
      if (tick >= min && tick <= max) ticks.push(tick);
    }
  }
  const every = Math.ceil(ticks.length / 5);
  return ticks.filter((tick, i) => i % every === 0);
}

