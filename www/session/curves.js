// The learning curves' points, gathered as a run goes: the loss and accuracy of every batch (and the loss
// smoothed), each epoch's mean training accuracy, and the test accuracy wherever the test set was scored
// (x in epochs). A finished run's curves can be kept (toJSON, fromJSON) and drawn faint beside the next run.

/** Drops what a log-scale loss chart cannot show (overflowed or zero losses) as a gap. */
const plottable = (loss) => (Number.isFinite(loss) && loss > 0 ? loss : null);

// The smoothing window: about a quarter of an epoch, so that short and long epochs both read smooth.
const SMOOTHING_EPOCHS = 0.25;
const MIN_SMOOTHING_BATCHES = 5;

// The stored form: at most this many regular points (every evaluation and epoch end is kept besides), four
// significant digits each; longer stored forms are refused as not ours.
const STORED_POINTS = 800;
const STORED_DIGITS = 4;
const MAX_STORED_POINTS = 20_000;
const FORMAT = 1;

/** The weight of the past in the exponential moving average for epochs of `batchesPerEpoch` batches. */
export function smoothingWeight(batchesPerEpoch) {
  const window = Math.max(MIN_SMOOTHING_BATCHES, Math.round(batchesPerEpoch * SMOOTHING_EPOCHS));
  return 1 - 2 / (window + 1); // an EMA's usual match to a moving average of `window` points
}

/**
 * A debiased exponential moving average, as TensorBoard smooths: it starts from zero and divides by the
 * weight gathered so far, so the first point is the first value (not a tenth of it). Null values are
 * skipped: they stay null and leave the average as it was.
 */
class Smoother {
  constructor(weight) {
    this.weight = weight;
    this.sum = 0;
    this.count = 0;
  }

  next(value) {
    if (value === null) return null;
    this.sum = this.sum * this.weight + (1 - this.weight) * value;
    this.count += 1;
    return this.sum / (1 - this.weight ** this.count);
  }
}

export class Curves {
  /**
   * Empty curves for a run of `epochs` epochs of `batchesPerEpoch` batches; with `compare`, they also hold
   * the whole-batch softmax's loss and test accuracy on the same batches. `previous` is the run before (its
   * Curves, drawn faint for comparison). Only the run before is kept, not the runs before it; a run without
   * points (one made ready but not trained) passes on its own previous run instead.
   */
  constructor(batchesPerEpoch, epochs, compare = false, previous = null) {
    this.batchesPerEpoch = batchesPerEpoch;
    this.epochs = epochs;
    this.compare = compare;
    this.previous = keptRun(previous);
    // Index i holds the state after i batches; index 0 is the untrained model.
    this.x = [0];
    this.batchLoss = [null];
    this.smoothedLoss = [null];
    this.batchAccuracy = [null];
    this.trainAccuracy = [null];
    this.testAccuracy = [null];
    this.twinLoss = [null];
    this.twinSmoothedLoss = [null];
    this.twinTest = [null];
    this.evaluations = 0;
    this.revision = 0; // counts changes, so the charts redraw only when there is something new
    const weight = smoothingWeight(batchesPerEpoch);
    this.smoothers = { loss: new Smoother(weight), twin: new Smoother(weight) };
  }

  /**
   * Adds batches (and, when comparing, the whole-batch softmax's losses for the same batches); returns the
   * mean accuracy of the last epoch's batches if one ended, else undefined.
   */
  addBatches(losses, accuracies, twinLosses = []) {
    let epochAccuracy;
    for (let i = 0; i < losses.length; i += 1) {
      const index = this.x.length;
      const loss = plottable(losses[i]);
      const twinLoss = plottable(twinLosses[i]);
      this.x.push(index / this.batchesPerEpoch);
      this.batchLoss.push(loss);
      this.smoothedLoss.push(this.smoothers.loss.next(loss));
      this.batchAccuracy.push(accuracies[i]);
      this.testAccuracy.push(null);
      this.twinLoss.push(twinLoss);
      this.twinSmoothedLoss.push(this.smoothers.twin.next(twinLoss));
      this.twinTest.push(null);
      // Training accuracy per epoch: the mean over its batches, each scored just before its update.
      if (index % this.batchesPerEpoch === 0) {
        const epoch = this.batchAccuracy.slice(index - this.batchesPerEpoch + 1);
        epochAccuracy = epoch.reduce((sum, a) => sum + a, 0) / epoch.length;
      }
      this.trainAccuracy.push(index % this.batchesPerEpoch === 0 ? epochAccuracy : null);
    }
    if (losses.length > 0) this.revision += 1;
    return epochAccuracy;
  }

  /** Adds a scoring of the test set (and the twin's, when comparing) at the batch it was made after. */
  addEvaluation({ atBatch, testAccuracy, trainAccuracy }, twin = null) {
    if (atBatch >= this.x.length) return;
    if (twin) this.twinTest[atBatch] = twin.testAccuracy;
    this.testAccuracy[atBatch] = testAccuracy;
    // The final scoring covers the whole training set: its accuracy ends the training curve, so the curve
    // ends where the figure beside it says.
    if (Number.isFinite(trainAccuracy)) this.trainAccuracy[atBatch] = trainAccuracy;
    this.evaluations += 1;
    this.revision += 1;
  }

  /** How many points of the whole-batch softmax's test accuracy there are. */
  get twinEvaluations() {
    return this.twinTest.filter((v) => v !== null).length;
  }

  /** These curves as a previous run: the same points, without the runs before (so they do not pile up). */
  frozen() {
    if (this.previous === null) return this;
    return Object.assign(Object.create(Curves.prototype), this, { previous: null });
  }

  /**
   * A compact form to store, as JSON: every evaluation and epoch end, and about STORED_POINTS batches
   * between, at four significant digits. `at` holds the batch of each point; the other arrays, one value
   * (or null) per point. The whole-batch softmax's arrays are there only when comparing.
   */
  toJSON() {
    const last = this.x.length - 1;
    const step = Math.max(1, Math.ceil(last / STORED_POINTS));
    const at = [];
    for (let i = 0; i <= last; i += 1) {
      const evaluated = this.testAccuracy[i] !== null || this.twinTest[i] !== null || this.trainAccuracy[i] !== null;
      if (i % step === 0 || i === last || evaluated) at.push(i);
    }
    const pick = (values) => at.map((i) => rounded(values[i]));
    const stored = {
      format: FORMAT,
      batchesPerEpoch: this.batchesPerEpoch,
      epochs: this.epochs,
      compare: this.compare,
      at,
      loss: pick(this.batchLoss),
      smoothed: pick(this.smoothedLoss),
      accuracy: pick(this.batchAccuracy),
      train: pick(this.trainAccuracy),
      test: pick(this.testAccuracy),
    };
    if (!this.compare) return stored;
    return { ...stored, twinLoss: pick(this.twinLoss), twinSmoothed: pick(this.twinSmoothedLoss), twinTest: pick(this.twinTest) };
  }

  /**
   * Curves from what toJSON stored (parsed back from JSON), without a previous run; null for anything else:
   * storage may hold a stale or hand-edited form, so every field is checked and nothing throws.
   */
  static fromJSON(stored) {
    try {
      return readStored(stored);
    } catch {
      return null;
    }
  }
}

/** The run to draw as the previous run, given the Curves before a new run's (see the constructor). */
function keptRun(before) {
  if (!before) return null;
  return before.x.length > 1 ? before.frozen() : before.previous;
}

/** `value` to STORED_DIGITS significant digits (null stays null). */
function rounded(value) {
  return typeof value === 'number' && Number.isFinite(value) ? Number(value.toPrecision(STORED_DIGITS)) : null;
}

const positiveInteger = (n) => Number.isInteger(n) && n > 0;
const isLoss = (v) => v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0);
const isAccuracy = (v) => v === null || (typeof v === 'number' && v >= 0 && v <= 1);

/** The stored series `name` if it is `length` values that pass `valid`, else undefined. */
function series(stored, name, length, valid) {
  const values = stored[name];
  return Array.isArray(values) && values.length === length && values.every(valid) ? values.slice() : undefined;
}

/** The batches of a stored form: 0 first, then rising whole numbers within the run; else undefined. */
function batchesOf(at, batches) {
  if (!Array.isArray(at) || at.length < 1 || at.length > MAX_STORED_POINTS || at[0] !== 0) return undefined;
  for (let i = 1; i < at.length; i += 1) {
    if (!Number.isInteger(at[i]) || at[i] <= at[i - 1] || at[i] > batches) return undefined;
  }
  return at;
}

function readStored(stored) {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored) || stored.format !== FORMAT) return null;
  const { batchesPerEpoch, epochs, compare } = stored;
  if (!positiveInteger(batchesPerEpoch) || !positiveInteger(epochs) || typeof compare !== 'boolean') return null;
  const at = batchesOf(stored.at, batchesPerEpoch * epochs);
  if (!at) return null;
  const n = at.length;
  const nulls = () => new Array(n).fill(null);
  const read = {
    batchLoss: series(stored, 'loss', n, isLoss),
    smoothedLoss: series(stored, 'smoothed', n, isLoss),
    batchAccuracy: series(stored, 'accuracy', n, isAccuracy),
    trainAccuracy: series(stored, 'train', n, isAccuracy),
    testAccuracy: series(stored, 'test', n, isAccuracy),
    twinLoss: compare ? series(stored, 'twinLoss', n, isLoss) : nulls(),
    twinSmoothedLoss: compare ? series(stored, 'twinSmoothed', n, isLoss) : nulls(),
    twinTest: compare ? series(stored, 'twinTest', n, isAccuracy) : nulls(),
  };
  if (Object.values(read).some((values) => values === undefined)) return null;
  const curves = new Curves(batchesPerEpoch, epochs, compare);
  Object.assign(curves, read, { x: at.map((batch) => batch / batchesPerEpoch) });
  curves.evaluations = read.testAccuracy.filter((v) => v !== null).length;
  curves.revision = 1;
  return curves;
}
