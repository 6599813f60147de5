// Live learning curves with uPlot: the loss of every batch, and accuracies over time (x in epochs).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies.
const BLUE = '#0072B2';
const ORANGE = '#E69F00';
const GREY = '#9a9a9a';
const PURPLE = '#CC79A7'; // the whole-batch softmax, when compared
const HEIGHT = 200;

const percent = (u, values) => values.map((v) => `${Math.round(v * 100)}%`);

function chartOptions(width, series, scales, axes, charts) {
  return {
    width,
    height: HEIGHT,
    // The x axis spans the whole planned run, so the curves fill it as training goes.
    scales: { x: { time: false, range: (u, min, max) => [0, Math.max(charts.epochs, max || 0)] }, ...scales },
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [{ label: 'epoch', labelSize: 20, size: 36 }, ...axes],
    series: [{ label: 'epoch' }, ...series],
  };
}

/**
 * Two charts that grow as batches and evaluations arrive. `redraw()` draws what was added since the last
 * time; a chart of thousands of points takes milliseconds, so the page calls it at its own pace.
 */
export class LearningCharts {
  constructor(lossFigure, accuracyFigure) {
    this.figures = { loss: lossFigure, accuracy: accuracyFigure };
    this.reset(1, 1);
    const width = () => Math.max(240, lossFigure.clientWidth);
    this.loss = new uPlot(
      chartOptions(
        width(),
        [
          { label: 'batch loss', stroke: BLUE, width: 1, spanGaps: true, points: { show: false } },
          { label: 'whole-batch softmax', stroke: PURPLE, width: 1, spanGaps: true, points: { show: false }, show: false },
        ],
        { y: { distr: 3 } },
        [{ size: 50 }],
        this,
      ),
      [[], [], []],
      lossFigure,
    );
    this.accuracy = new uPlot(
      chartOptions(
        width(),
        [
          { label: 'batch', stroke: GREY, width: 1, spanGaps: true, points: { show: false } },
          { label: 'train (epoch mean)', stroke: ORANGE, width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 5 } },
          { label: 'test set', stroke: BLUE, width: 2, spanGaps: true, points: { show: true, size: 6 } },
          { label: 'test, whole-batch softmax', stroke: PURPLE, width: 2, dash: [3, 3], spanGaps: true, points: { show: true, size: 5 }, show: false },
        ],
        { y: { range: [0, 1] } },
        [{ size: 50, values: percent }],
        this,
      ),
      [[], [], [], [], []],
      accuracyFigure,
    );
    new ResizeObserver(() => {
      const size = { width: width(), height: HEIGHT };
      this.loss.setSize(size);
      this.accuracy.setSize(size);
    }).observe(lossFigure);
  }

  /**
   * Empties the curves for a new run of `epochs` epochs of `batchesPerEpoch` batches; with `compare`, the
   * whole-batch softmax's curves are shown beside the per-row one's.
   */
  reset(batchesPerEpoch, epochs, compare = false) {
    this.batchesPerEpoch = batchesPerEpoch;
    this.epochs = epochs;
    this.compare = compare;
    this.twinLoss = [null];
    this.twinTest = [null];
    this.loss?.setSeries(2, { show: compare });
    this.accuracy?.setSeries(4, { show: compare });
    // Index i holds the state after i batches; index 0 is the untrained model.
    this.x = [0];
    this.batchLoss = [null];
    this.batchAccuracy = [null];
    this.trainAccuracy = [null];
    this.testAccuracy = [null];
    this.evaluations = 0;
    this.dirty = true;
    this.redraw();
  }

  /**
   * Adds batches (and, when comparing, the whole-batch softmax's losses for the same batches); returns the
   * mean accuracy of the last epoch's batches if one ended, else undefined.
   */
  addBatches(losses, accuracies, twinLosses = []) {
    for (let i = 0; i < losses.length; i += 1) {
      const loss = twinLosses[i];
      this.twinLoss.push(Number.isFinite(loss) && loss > 0 ? loss : null);
      this.twinTest.push(null);
    }
    let epochAccuracy;
    for (let i = 0; i < losses.length; i += 1) {
      const index = this.x.length;
      this.x.push(index / this.batchesPerEpoch);
      this.batchLoss.push(Number.isFinite(losses[i]) && losses[i] > 0 ? losses[i] : null);
      this.batchAccuracy.push(accuracies[i]);
      this.testAccuracy.push(null);
      // Training accuracy per epoch: the mean over its batches, each scored just before its update.
      if (index % this.batchesPerEpoch === 0) {
        const epoch = this.batchAccuracy.slice(index - this.batchesPerEpoch + 1);
        epochAccuracy = epoch.reduce((sum, a) => sum + a, 0) / epoch.length;
      }
      this.trainAccuracy.push(index % this.batchesPerEpoch === 0 ? epochAccuracy : null);
    }
    this.dirty ||= losses.length > 0;
    return epochAccuracy;
  }

  addEvaluation({ atBatch, testAccuracy }, twin = null) {
    if (atBatch >= this.x.length) return;
    if (twin) this.twinTest[atBatch] = twin.testAccuracy;
    this.testAccuracy[atBatch] = testAccuracy;
    this.evaluations += 1;
    this.dirty = true;
  }

  /** Draws what arrived since the last drawing. */
  redraw() {
    if (!this.dirty || !this.loss) return;
    this.dirty = false;
    this.loss.setData([this.x, this.batchLoss, this.twinLoss]);
    this.accuracy.setData([this.x, this.batchAccuracy, this.trainAccuracy, this.testAccuracy, this.twinTest]);
    // Counts for tests and assistive tech: how much each chart holds.
    this.figures.loss.dataset.points = String(this.x.length - 1);
    this.figures.accuracy.dataset.points = String(this.evaluations);
    this.figures.accuracy.dataset.comparePoints = String(this.twinTest.filter((v) => v !== null).length);
  }
}
