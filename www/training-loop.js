// Drives the trainer in requestAnimationFrame chunks, so the page stays responsive while it learns.
//
// Each frame spends at most a few milliseconds: it runs as many SGD batches as fit (the cost of a batch is
// measured as it goes) and, when an evaluation is due, scores a slice of the data with what is left. The test
// set is scored a few times per epoch (skipped if the previous one is still running) and at each epoch's end
// (waiting for the running one if need be, never skipped); the final model is scored on the training set too.

/** Milliseconds of work per frame: well inside a 60 Hz frame (16.7 ms), leaving room to draw. */
export const FRAME_BUDGET_MS = 8;
const EVALUATIONS_PER_EPOCH = 4;
const SMOOTHING = 0.2;

export class TrainingLoop {
  /**
   * @param {object} trainer a wasm `Trainer`
   * @param {object} handlers `onBatches(progress, speed)`, `onEvaluation(result)`, `onFinish()`, `onError(message)`
   */
  constructor(trainer, handlers) {
    this.trainer = trainer;
    this.handlers = handlers;
    this.running = false;
    this.frame = 0;
    this.msPerBatch = 1;
    this.msPerSample = 0.01;
    this.progress = null;
    this.evaluating = false;
    this.evaluationDue = null; // null, 'test' or 'full' (test and training sets)
    this.nextEvaluationAt = 0;
    this.trainingMs = 0;
    this.trainedSamples = 0;
    this.batchSize = 0;
  }

  get finished() {
    return Boolean(this.progress?.done) && !this.evaluating && !this.evaluationDue;
  }

  start(batchSize) {
    this.batchSize = batchSize;
    // Snapshot the untrained model now, so the curves start from where learning starts.
    const first = this.trainer.evaluateStep(1, false);
    if (first === undefined) this.evaluating = true;
    else this.handlers.onEvaluation(first);
    this.resume();
  }

  pause() {
    this.running = false;
    cancelAnimationFrame(this.frame);
  }

  resume() {
    if (this.running || this.finished) return;
    this.running = true;
    this.frame = requestAnimationFrame(() => this.tick());
  }

  tick() {
    if (!this.running) return;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    try {
      if (!this.progress?.done) this.train(this.evaluating || this.evaluationDue ? 0.6 : 1);
      if (this.evaluating || this.evaluationDue) this.evaluate(deadline);
    } catch (error) {
      this.running = false;
      this.handlers.onError(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.finished) {
      this.running = false;
      this.handlers.onFinish();
      return;
    }
    this.frame = requestAnimationFrame(() => this.tick());
  }

  train(share) {
    const batches = Math.max(1, Math.min(1000, Math.floor((FRAME_BUDGET_MS * share) / this.msPerBatch)));
    const started = performance.now();
    const progress = this.trainer.step(batches);
    const elapsed = performance.now() - started;
    const ran = progress.batchLosses.length;
    if (ran > 0) {
      this.msPerBatch += SMOOTHING * (elapsed / ran - this.msPerBatch);
      this.trainingMs += elapsed;
      this.trainedSamples += ran * this.batchSize;
    }
    const perEvaluation = Math.max(1, Math.round(progress.batchesPerEpoch / EVALUATIONS_PER_EPOCH));
    if (this.progress === null) this.nextEvaluationAt = perEvaluation;
    if (progress.done) {
      this.evaluationDue = 'full';
    } else if (progress.epochEnded || (progress.totalBatches >= this.nextEvaluationAt && !this.evaluating)) {
      this.evaluationDue ??= 'test';
    }
    if (this.evaluationDue) this.nextEvaluationAt = progress.totalBatches + perEvaluation;
    this.progress = progress;
    this.handlers.onBatches(progress, this.trainedSamples / Math.max(this.trainingMs, 1e-3) * 1000);
  }

  evaluate(deadline) {
    let includeTrain = false;
    if (!this.evaluating) {
      this.evaluating = true;
      includeTrain = this.evaluationDue === 'full';
      this.evaluationDue = null;
    }
    const remaining = Math.max(1, deadline - performance.now());
    const samples = Math.max(64, Math.floor(remaining / this.msPerSample));
    const started = performance.now();
    // includeTrain only matters for the call that starts an evaluation.
    const result = this.trainer.evaluateStep(samples, includeTrain);
    const elapsed = performance.now() - started;
    if (result === undefined) {
      this.msPerSample += SMOOTHING * (elapsed / samples - this.msPerSample);
      return;
    }
    this.evaluating = false;
    this.handlers.onEvaluation(result);
  }
}
