// Drives the trainer in requestAnimationFrame chunks, so the page stays responsive while it learns.
//
// requestAnimationFrame paces the work. At each frame the loop lets the browser paint first, then (in a task
// posted from the frame callback, which runs once the frame is on screen) trains until shortly before the
// next frame is due: as many SGD batches as fit, the cost of a batch being measured as it goes. The margin
// left before the next frame adapts: it shrinks while frames arrive on time and grows at once when one is
// late, so training uses most of the time and the page still draws every frame.
//
// The test set is scored before training, at the end of each of the first epochs, then at epoch ends at
// most ten times a second (with the bundled data an epoch takes a few milliseconds: scoring every one would
// cost more than a chart can show), and within long epochs every quarter epoch. Each of these scores the
// whole test set at once (a couple of milliseconds for 2,000 digits). The final model is also scored on the
// training set, in slices over several frames, as that set can be large.

const INITIAL_MARGIN_MS = 3;
const MIN_MARGIN_MS = 0.5;
const MARGIN_STEP_MS = 0.1;
const MIN_SLICE_MS = 2;
const EVERY_EPOCH_UNTIL = 20;
const MIN_EVALUATION_GAP_MS = 100;
const QUARTER_EVALUATION_GAP_MS = 250;
const SMOOTHING = 0.2;
const WHOLE_SET = 1_000_000_000;

export class TrainingLoop {
  /**
   * @param {object} trainer a wasm `Trainer`
   * @param {object} handlers `onBatches(progress, samplesPerSecond, twinProgress)`,
   *   `onEvaluation(result, twinResult)`, `onFinish()`, `onError(error)`
   * @param {object|null} twin a second `Trainer` with the same data, seed and batch size (so the same
   *   batches) stepped alongside, for comparison; its results go to the handlers too
   */
  constructor(trainer, handlers, twin = null) {
    this.trainer = trainer;
    this.twin = twin;
    this.handlers = handlers;
    this.running = false;
    this.frame = 0;
    this.margin = INITIAL_MARGIN_MS;
    this.period = 1000 / 60;
    this.lastFrameAt = 0;
    this.frameDeadline = 0;
    this.recentIntervals = [];
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = () => this.work();
    this.msPerBatch = 1;
    this.msPerSample = 0.001;
    this.progress = trainer.step(0);
    this.finalEvaluation = false;
    this.lastEvaluationAt = 0;
    this.nextQuarterAt = 0;
    this.trainingMs = 0;
    this.trainedSamples = 0;
    this.batchSize = 0;
    // Where each frame's time goes, for the benchmark: totals in milliseconds.
    this.stats = { frames: 0, startDelayMs: 0, workMs: 0, trainMs: 0, evaluateMs: 0 };
  }

  get finished() {
    return this.progress.done && !this.finalEvaluation;
  }

  start(batchSize) {
    this.batchSize = batchSize;
    this.evaluateTestSet(); // the untrained model: where the curves start
    this.resume();
  }

  pause() {
    this.running = false;
    cancelAnimationFrame(this.frame);
  }

  resume() {
    if (this.running || this.finished) return;
    this.running = true;
    this.lastFrameAt = 0;
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  /** Learns the display's period and adjusts the margin: shrinks while frames are on time, grows when late. */
  adapt(now) {
    const interval = now - this.lastFrameAt;
    this.lastFrameAt = now;
    if (interval <= 0 || interval > 100) return; // the first frame, or back from a pause or a hidden tab
    this.recentIntervals.push(interval);
    if (this.recentIntervals.length > 60) this.recentIntervals.shift();
    this.period = Math.max(4, Math.min(...this.recentIntervals));
    if (interval > this.period * 1.25) this.margin = Math.min(this.period / 2, this.margin + 1);
    else this.margin = Math.max(MIN_MARGIN_MS, this.margin - MARGIN_STEP_MS);
  }

  tick(now) {
    if (!this.running) return;
    this.adapt(now);
    this.frameDeadline = now + this.period - this.margin;
    this.channel.port2.postMessage(null); // work once this frame is painted
  }

  work() {
    if (!this.running) return;
    const started = performance.now();
    const deadline = Math.max(this.frameDeadline, started + MIN_SLICE_MS);
    try {
      if (!this.progress.done) this.train(deadline);
      if (this.finalEvaluation) this.continueFinalEvaluation(deadline);
    } catch (error) {
      this.running = false;
      this.handlers.onError(error);
      return;
    }
    this.stats.frames += 1;
    this.stats.startDelayMs += started - this.lastFrameAt;
    this.stats.workMs += performance.now() - started;
    if (this.finished) {
      this.running = false;
      this.handlers.onFinish();
      return;
    }
    this.frame = requestAnimationFrame((next) => this.tick(next));
  }

  /** Whether the end of the current epoch should be scored. */
  wantsEpochEvaluation() {
    return (
      this.progress.epoch < EVERY_EPOCH_UNTIL || performance.now() - this.lastEvaluationAt >= MIN_EVALUATION_GAP_MS
    );
  }

  /** Runs batches until `deadline`, stopping at epoch ends that are to be scored. */
  train(deadline) {
    for (let first = true; !this.progress.done; first = false) {
      const left = deadline - performance.now();
      if (!first && left < this.msPerBatch) break; // every frame runs at least one batch
      let batches = Math.max(1, Math.min(10_000, Math.floor(left / this.msPerBatch)));
      if (this.wantsEpochEvaluation()) batches = Math.min(batches, this.progress.batchesPerEpoch - this.progress.batch);
      const started = performance.now();
      const progress = this.trainer.step(batches);
      const twinProgress = this.twin?.step(batches);
      const elapsed = performance.now() - started;
      const ran = progress.batchLosses.length;
      this.msPerBatch += SMOOTHING * (elapsed / Math.max(ran, 1) - this.msPerBatch);
      this.trainingMs += elapsed;
      this.stats.trainMs += elapsed;
      this.trainedSamples += ran * this.batchSize;
      this.progress = progress;
      this.handlers.onBatches(progress, (this.trainedSamples / Math.max(this.trainingMs, 1e-3)) * 1000, twinProgress);
      if (progress.diverged) throw new Error(progress.divergence);
      if (progress.done) {
        this.finalEvaluation = true;
      } else if (progress.epochEnded ? this.wantsEpochEvaluation() : this.quarterDue(progress)) {
        this.evaluateTestSet();
      }
    }
  }

  quarterDue(progress) {
    const quarter = Math.max(1, Math.round(progress.batchesPerEpoch / 4));
    if (progress.totalBatches < this.nextQuarterAt) return false;
    this.nextQuarterAt = progress.totalBatches + quarter;
    return performance.now() - this.lastEvaluationAt >= QUARTER_EVALUATION_GAP_MS;
  }

  /** Scores the whole test set now. */
  evaluateTestSet() {
    const started = performance.now();
    this.lastEvaluationAt = started;
    const twin = this.twin?.evaluateStep(WHOLE_SET, false);
    this.handlers.onEvaluation(this.trainer.evaluateStep(WHOLE_SET, false), twin);
    this.stats.evaluateMs += performance.now() - started;
  }

  /** Scores the final model on the test and training sets, a slice per frame. */
  continueFinalEvaluation(deadline) {
    const started = performance.now();
    const samples = Math.max(256, Math.floor(Math.max(0.5, deadline - started) / this.msPerSample));
    const result = this.trainer.evaluateStep(samples, true);
    const elapsed = performance.now() - started;
    this.stats.evaluateMs += elapsed;
    if (result === undefined) {
      this.msPerSample += SMOOTHING * (elapsed / samples - this.msPerSample);
      return;
    }
    this.finalEvaluation = false;
    this.handlers.onEvaluation(result, this.twin?.evaluateStep(WHOLE_SET, false));
  }
}
