// Drives the trainer in requestAnimationFrame chunks, so the page stays responsive while it learns.
//
// requestAnimationFrame paces the work: the loop trains only while the page draws frames (so it stops when
// the tab is hidden), and each frame starts a chunk of training. A chunk is a task posted through a
// MessageChannel that trains until just past the moment the next frame is due; by then the browser has
// queued that frame's rendering, which it runs as soon as the chunk ends, so no time is lost waiting for it.
// If the frame has not come yet, short slices (a millisecond) follow until it does: the frame waits at
// most one of them. Should a frame be late all the same (a browser that would run a slice before its
// rendering), chunks stop earlier: the allowance past the due time shrinks with every late frame, down to
// a margin before it, and grows back slowly while frames keep time.
//
// On a slow device the page's own rendering (charts, figures, the browser's paint) can take more than half
// a frame; cut by late frames alone, chunks would then train a millisecond a frame. So the loop also keeps a
// floor: it estimates what each frame costs besides training, and trains at least TRAINING_FLOOR of the time
// (twice that cost each frame), rising to SLOW_TRAINING_FLOOR (four times) as that cost goes from a quarter
// to half of a 60-Hz frame (a slow device, whose frames are late anyway), letting frames come less often
// rather than training starve, but never past MAX_FRAME_GAP_MS after this frame began (the next one then
// begins at the following vsync, under 100 ms later; after a costly frame, a refresh of the charts, the
// chunk is shorter), nor longer than MAX_CHUNK_MS: a tap waits for the chunk, and a task of 50 ms is a long
// one.
// On a fast device the floor is below what frames leave anyway, and nothing changes.
//
// The trainer itself trains until a deadline (`stepUntil`, timed inside wasm), so the loop needs no guess
// of what a batch costs.
//
// A paced run (`batchesPerSecond`, for watching the curves form) trains no faster than a given number of
// batches a second: each chunk runs the batches due by then, ending at epoch ends; the next frame brings more.
//
// The test set is scored before training and at epoch ends: every epoch for the first epochs of short runs
// (whose points the chart shows apart), then at most five times a second (with the bundled data an epoch
// takes a few milliseconds: scoring every one would cost more than a chart can show), and within long
// epochs every quarter epoch. Each of these scores the whole test set at once (about a millisecond for
// 2,000 digits). The final model is also scored on the training set, in slices, as that set can be large.

const PAST_DUE_MS = 1;
const SHORT_SLICE_MS = 1;
const ALLOWANCE_STEP_MS = 0.05;
const LATE_FRAME_CUT_MS = 1;
const EVERY_EPOCH_UNTIL = 20;
const EVERY_EPOCH_RUNS_UP_TO = 60;
const MIN_EVALUATION_GAP_MS = 200;
const QUARTER_EVALUATION_GAP_MS = 250;
const FORGETTING = 0.8; // how much the estimate of what scoring a sample costs keeps of its past
const TRAINING_FLOOR = 2 / 3;
const SLOW_TRAINING_FLOOR = 0.8;
const SLOW_FROM_MS = 1000 / 240; // a frame's cost besides training where the floor starts to rise…
const SLOW_AT_MS = 1000 / 120; // …and where it reaches SLOW_TRAINING_FLOOR
const MAX_FRAME_GAP_MS = 70; // at 90 and at 80, some runs at 8× had a frame 100 ms after the last (6 vsyncs)
const MAX_CHUNK_MS = 40; // with a scoring or a batch past the deadline, still under 50 ms
const RENDER_FORGETTING = 0.8; // how much the estimate of what a frame costs besides training keeps of its past
const WHOLE_SET = 1_000_000_000;

/**
 * The pace a visitor can watch: an epoch every 120–300 ms, so that a run of the homework's 10 epochs takes
 * about 3 s and the best settings' 30 about 4 s. In batches a second for the TrainingLoop; Infinity is
 * full speed.
 */
export function batchesPerSecond(pace, batchesPerEpoch, epochs) {
  if (pace !== 'watch') return Infinity;
  const epochMs = Math.min(300, Math.max(120, 4000 / epochs));
  return (batchesPerEpoch * 1000) / epochMs;
}

/**
 * When a chunk that starts at `started` ends: just past the frame due at `frameDueBy` (or before it, when
 * the `allowance` is negative), at least a short slice, and at least the training floor: since this frame's
 * training began (`trainingFrom`), twice what a frame costs besides training (`renderMs`), up to four times
 * on a slow device; but never past MAX_FRAME_GAP_MS after the frame began (`frameBegan`) nor MAX_CHUNK_MS
 * after the chunk did, and at least a short slice all the same.
 */
export function chunkDeadline({ started, frameDueBy, allowance, trainingFrom, renderMs, frameBegan }) {
  const slow = Math.min(1, Math.max(0, (renderMs - SLOW_FROM_MS) / (SLOW_AT_MS - SLOW_FROM_MS)));
  const share = TRAINING_FLOOR + slow * (SLOW_TRAINING_FLOOR - TRAINING_FLOOR);
  const floorMs = (renderMs * share) / (1 - share);
  const deadline = Math.max(frameDueBy + Math.min(PAST_DUE_MS, allowance), trainingFrom + floorMs);
  return Math.max(started + SHORT_SLICE_MS, Math.min(deadline, frameBegan + MAX_FRAME_GAP_MS, started + MAX_CHUNK_MS));
}

/** Why a run stopped when its loss overflowed (given to `onError`): the core's advice. */
export class Divergence extends Error {
  name = 'Divergence';
}

export class TrainingLoop {
  /**
   * @param {object} trainer a wasm `Trainer`
   * @param {object} handlers `onBatches(report, samplesPerSecond, twinReport)` with the trainer's step
   *   report and the images learnt a second of the wall clock, `onEvaluation(result, twinResult)`,
   *   `onFinish()`, `onError(error)` with what the trainer threw or a `Divergence`
   * @param {object|null} twin a second `Trainer` with the same data, seed and batch size (so the same
   *   batches) stepped alongside, for comparison; its results go to the handlers too
   * @param {number} batchesPerSecond at most this many batches a second (Infinity: as fast as it can)
   * @param {TrainingLoop|null} before the loop of the run before, whose measure of this device (its
   *   display's period, what its frames cost, whether they come late) this one starts from
   */
  constructor(trainer, handlers, twin = null, batchesPerSecond = Infinity, before = null) {
    this.trainer = trainer;
    this.twin = twin;
    this.batchesPerSecond = batchesPerSecond;
    this.paceFrom = { at: 0, batches: 0 }; // where the paced budget was last counted from
    this.handlers = handlers;
    this.running = false;
    this.frame = 0;
    this.chunkQueued = false;
    this.period = 1000 / 60;
    this.lastFrameAt = 0;
    this.frameBegan = 0; // when the latest frame began (or the run resumed)
    this.frameDueBy = 0;
    this.recentIntervals = [];
    // How long after the next frame's due time training may go on: a chunk ends PAST_DUE_MS after it, and
    // short slices go on until the frame comes or this allowance runs out. Late frames make it smaller,
    // down to half a period before the due time.
    this.allowance = this.period / 2;
    // What a frame costs besides the loop's own work (rendering, the browser), and the work done by the last
    // frame: the training floor follows from it.
    this.renderMs = 0;
    this.lastFrameMs = undefined; // what the last frame cost besides the loop's work (undefined: not known)
    this.workAtFrame = 0;
    this.trainingFrom = null; // when the first chunk after the latest frame began
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => this.chunk();
    this.msPerSample = 0.001;
    this.progress = trainer.progress();
    this.finalEvaluation = false;
    this.evaluationDue = false; // an epoch end to score that came past a chunk's deadline
    this.lastEvaluationAt = 0;
    this.nextQuarterAt = 0;
    this.batchSize = 0;
    this.epochs = 0;
    if (before) {
      const { period, recentIntervals, allowance, renderMs } = before;
      Object.assign(this, { period, recentIntervals: [...recentIntervals], allowance, renderMs });
    }
    // Where the time goes: counts, and totals in milliseconds, for the benchmark (bench/run.mjs).
    this.stats = { frames: 0, lateFrames: 0, chunks: 0, workMs: 0, trainMs: 0, evaluateMs: 0 };
  }

  get finished() {
    return this.progress.done && !this.finalEvaluation;
  }

  /** Starts a run of `epochs` epochs of batches of `batchSize` samples (the trainer's settings). */
  start({ batchSize, epochs }) {
    this.batchSize = batchSize;
    this.epochs = epochs;
    this.testSamples = this.trainer.datasetInfo().testSamples;
    this.evaluateTestSet(); // the untrained model: where the curves start
    this.resume();
  }

  pause() {
    this.running = false;
    cancelAnimationFrame(this.frame);
  }

  /**
   * Stops for good, once the run is replaced: also closes the channel the chunks come through, as an open
   * port keeps the event loop alive (Node's would never exit).
   */
  dispose() {
    this.pause();
    this.channel.port1.close();
  }

  resume() {
    if (this.running || this.finished) return;
    this.running = true;
    this.paceFrom = { at: performance.now(), batches: this.progress.totalBatches };
    this.lastFrameAt = 0;
    this.frameBegan = performance.now(); // as if a frame began now: the first chunk keeps the next in time
    this.frameDueBy = performance.now() + this.period;
    this.frame = requestAnimationFrame((now) => this.tick(now));
    // No need to wait for the first frame, unless the device is slow: the first frame draws the run's start
    // (the charts made anew), which a chunk before it would keep waiting.
    if (this.renderMs <= SLOW_FROM_MS) this.queueChunk();
  }

  /** Learns the display's period, and from late frames how long past a frame's due time training may go. */
  adapt(now) {
    const interval = now - this.lastFrameAt;
    const work = this.stats.workMs - this.workAtFrame;
    this.lastFrameAt = now;
    this.frameBegan = now;
    this.workAtFrame = this.stats.workMs;
    this.frameDueBy = now + this.period;
    this.lastFrameMs = undefined;
    if (interval <= 0 || interval > 200) return; // the first frame, or back from a pause or a hidden tab
    const other = Math.max(0, interval - work);
    this.lastFrameMs = other;
    this.renderMs = RENDER_FORGETTING * this.renderMs + (1 - RENDER_FORGETTING) * other;
    if (interval > 100) return; // a frame that long says nothing of the display's period
    this.recentIntervals.push(interval);
    if (this.recentIntervals.length > 60) this.recentIntervals.shift();
    this.period = Math.max(4, Math.min(...this.recentIntervals));
    const late = interval > this.period * 1.25;
    this.stats.lateFrames += late ? 1 : 0;
    const allowance = this.allowance + (late ? -LATE_FRAME_CUT_MS : ALLOWANCE_STEP_MS);
    this.allowance = Math.max(-this.period / 2, Math.min(this.period / 2, allowance));
  }

  tick(now) {
    if (!this.running) return;
    this.stats.frames += 1;
    this.adapt(now);
    this.trainingFrom = null;
    this.frame = requestAnimationFrame((next) => this.tick(next));
    this.queueChunk();
  }

  /** Posts the next chunk of work, unless one is already waiting (so there is only ever one). */
  queueChunk() {
    if (this.chunkQueued) return;
    this.chunkQueued = true;
    this.channel.port2.postMessage(null);
  }

  /**
   * Trains until just past the next frame's due time (or a short slice, when that has passed), then goes
   * on with another slice unless the allowance is spent, in which case the next frame restarts the work.
   */
  chunk() {
    this.chunkQueued = false;
    if (!this.running) return;
    const started = performance.now();
    this.stats.firstChunkAt ??= started;
    this.trainingFrom ??= started;
    const { frameDueBy, allowance, trainingFrom, renderMs, frameBegan } = this;
    const deadline = chunkDeadline({ started, frameDueBy, allowance, trainingFrom, renderMs, frameBegan });
    try {
      if (this.evaluationDue) this.evaluateTestSet();
      if (!this.progress.done) this.train(deadline);
      if (this.finalEvaluation) this.continueFinalEvaluation(deadline);
    } catch (error) {
      this.pause();
      this.handlers.onError(error);
      return;
    }
    const ended = performance.now();
    this.stats.chunks += 1;
    this.stats.workMs += ended - started;
    this.stats.longestChunkMs = Math.max(this.stats.longestChunkMs ?? 0, ended - started);
    if (this.finished) {
      this.pause();
      this.handlers.onFinish();
    } else if (ended < this.frameDueBy + this.allowance && !this.paced) {
      this.queueChunk(); // a paced run has trained what was due: the next frame brings more
    }
  }

  get paced() {
    return Number.isFinite(this.batchesPerSecond) && !this.progress.done;
  }

  /** How many batches a paced run may train now: those due since it (re)started, at least one at the start. */
  batchesDue(now) {
    const due = 1 + Math.floor(((now - this.paceFrom.at) * this.batchesPerSecond) / 1000);
    return due - (this.progress.totalBatches - this.paceFrom.batches);
  }

  /** Whether the end of the current epoch should be scored. */
  wantsEpochEvaluation() {
    const early = this.progress.epoch < EVERY_EPOCH_UNTIL && this.epochs <= EVERY_EPOCH_RUNS_UP_TO;
    return early || performance.now() - this.lastEvaluationAt >= MIN_EVALUATION_GAP_MS;
  }

  /** Runs batches until `deadline` (at least one), stopping at epoch ends that are to be scored. */
  train(deadline) {
    for (let first = true; !this.progress.done; first = false) {
      if (!first && performance.now() >= deadline) break;
      const started = performance.now();
      const report = this.paced ? this.stepPaced(started) : this.trainer.stepUntil(deadline, this.wantsEpochEvaluation());
      if (!report) break;
      const ran = report.batchLosses.length;
      const twinReport = this.twin?.step(ran); // the same batches, as it has the same data, seed and batch size
      this.stats.trainMs += performance.now() - started;
      this.progress = report;
      this.handlers.onBatches(report, this.imagesPerSecond(), twinReport);
      if (report.diverged) throw new Divergence(report.divergence);
      if (report.done) {
        this.stats.trainedAt = performance.now();
        this.finalEvaluation = true;
      } else if (report.epochEnded ? this.wantsEpochEvaluation() : this.quarterDue(report)) {
        // A scoring that would end past the deadline waits for the next chunk, before it trains: the frame
        // comes first (on a slow phone scoring takes several milliseconds).
        if (performance.now() + this.scoringMs() >= deadline) {
          this.evaluationDue = true;
          break;
        }
        this.evaluateTestSet();
      }
    }
  }

  /**
   * How fast it learns, as a visitor sees it: images trained per second of the wall clock since the run
   * (re)started, frames and pace included (at full speed about 90 % of what the trainer alone does).
   */
  imagesPerSecond() {
    const seconds = Math.max(performance.now() - this.paceFrom.at, 1) / 1000;
    return ((this.progress.totalBatches - this.paceFrom.batches) * this.batchSize) / seconds;
  }

  /** The batches due now, up to the end of the epoch (so that it can be scored); null when none is due. */
  stepPaced(now) {
    const due = this.batchesDue(now);
    if (due <= 0) return null;
    const { batch, batchesPerEpoch } = this.progress;
    return this.trainer.step(Math.min(due, batchesPerEpoch - batch));
  }

  quarterDue(progress) {
    const quarter = Math.max(1, Math.round(progress.batchesPerEpoch / 4));
    if (progress.totalBatches < this.nextQuarterAt) return false;
    this.nextQuarterAt = progress.totalBatches + quarter;
    return performance.now() - this.lastEvaluationAt >= QUARTER_EVALUATION_GAP_MS;
  }

  /** What scoring the test set costs, by what it cost last time (the twin's included). */
  scoringMs() {
    return this.msPerSample * this.testSamples * (this.twin ? 2 : 1);
  }

  /**
   * Scores the whole test set now. What that costs a sample sizes the final scoring's slices: on a slow
   * phone a guess made for a fast one would score both sets in one long task.
   */
  evaluateTestSet() {
    this.evaluationDue = false;
    const started = performance.now();
    this.lastEvaluationAt = started;
    const twin = this.twin?.evaluateStep(WHOLE_SET, false);
    const result = this.trainer.evaluateStep(WHOLE_SET, false);
    const elapsed = performance.now() - started;
    this.handlers.onEvaluation(result, twin);
    this.stats.evaluateMs += elapsed;
    if (this.testSamples > 0) this.msPerSample = elapsed / (this.testSamples * (twin ? 2 : 1));
  }

  /** Scores the final model on the test and training sets, a slice per chunk. */
  continueFinalEvaluation(deadline) {
    const started = performance.now();
    const samples = Math.max(256, Math.floor(Math.max(0.5, deadline - started) / this.msPerSample));
    const result = this.trainer.evaluateStep(samples, true);
    const elapsed = performance.now() - started;
    this.stats.evaluateMs += elapsed;
    if (result === undefined) {
      this.msPerSample += (1 - FORGETTING) * (Math.max(elapsed, 0.1) / samples - this.msPerSample);
      return;
    }
    this.finalEvaluation = false;
    this.handlers.onEvaluation(result, this.twin?.evaluateStep(WHOLE_SET, false));
  }
}
