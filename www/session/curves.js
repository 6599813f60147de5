// The learning curves' points, gathered as a run goes: the loss and accuracy of every batch, each epoch's
// mean training accuracy, and the test accuracy wherever the test set was scored (x in epochs).

/** Drops what a log-scale loss chart cannot show (overflowed or zero losses) as a gap. */
const plottable = (loss) => (Number.isFinite(loss) && loss > 0 ? loss : null);

export class Curves {
  /**
   * Empty curves for a run of `epochs` epochs of `batchesPerEpoch` batches; with `compare`, they also hold
   * the whole-batch softmax's loss and test accuracy on the same batches.
   */
  constructor(batchesPerEpoch, epochs, compare = false) {
    this.batchesPerEpoch = batchesPerEpoch;
    this.epochs = epochs;
    this.compare = compare;
    // Index i holds the state after i batches; index 0 is the untrained model.
    this.x = [0];
    this.batchLoss = [null];
    this.batchAccuracy = [null];
    this.trainAccuracy = [null];
    this.testAccuracy = [null];
    this.twinLoss = [null];
    this.twinTest = [null];
    this.evaluations = 0;
    this.revision = 0; // counts changes, so the charts redraw only when there is something new
  }

  /**
   * Adds batches (and, when comparing, the whole-batch softmax's losses for the same batches); returns the
   * mean accuracy of the last epoch's batches if one ended, else undefined.
   */
  addBatches(losses, accuracies, twinLosses = []) {
    let epochAccuracy;
    for (let i = 0; i < losses.length; i += 1) {
      const index = this.x.length;
      this.x.push(index / this.batchesPerEpoch);
      this.batchLoss.push(plottable(losses[i]));
      this.batchAccuracy.push(accuracies[i]);
      this.testAccuracy.push(null);
      this.twinLoss.push(plottable(twinLosses[i]));
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
  addEvaluation({ atBatch, testAccuracy }, twin = null) {
    if (atBatch >= this.x.length) return;
    if (twin) this.twinTest[atBatch] = twin.testAccuracy;
    this.testAccuracy[atBatch] = testAccuracy;
    this.evaluations += 1;
    this.revision += 1;
  }

  /** How many points of the whole-batch softmax's test accuracy there are. */
  get twinEvaluations() {
    return this.twinTest.filter((v) => v !== null).length;
  }
}
