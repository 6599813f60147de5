// Live learning curves with uPlot: the loss of every batch, and accuracies over time (x in epochs).
import uPlot from 'uplot';

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
    scales: { x: { time: false, range: (u, min, max) => [0, Math.max(charts.curves?.epochs ?? 1, max || 0)] }, ...scales },
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [{ label: 'epoch', labelSize: 20, size: 36 }, ...axes],
    series: [{ label: 'epoch' }, ...series],
  };
}

/**
 * Two charts of a run's learning curves (session/curves.js). A chart of thousands of points takes
 * milliseconds to draw, so `show` draws only curves that changed, and the page calls it at its own pace.
 */
export class LearningCharts {
  constructor(lossFigure, accuracyFigure) {
    this.figures = { loss: lossFigure, accuracy: accuracyFigure };
    this.curves = null;
    this.shownRevision = -1;
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

  /** Draws `curves` unless they are the ones drawn last, unchanged; a new run's curves start afresh. */
  show(curves) {
    if (curves === this.curves && curves.revision === this.shownRevision) return;
    if (curves.compare !== this.curves?.compare) {
      // The whole-batch softmax's curves are shown beside the per-row one's only when comparing.
      this.loss.setSeries(2, { show: curves.compare });
      this.accuracy.setSeries(4, { show: curves.compare });
    }
    this.curves = curves;
    this.shownRevision = curves.revision;
    this.loss.setData([curves.x, curves.batchLoss, curves.twinLoss]);
    this.accuracy.setData([curves.x, curves.batchAccuracy, curves.trainAccuracy, curves.testAccuracy, curves.twinTest]);
    // Counts for tests and assistive tech: how much each chart holds.
    this.figures.loss.dataset.points = String(curves.x.length - 1);
    this.figures.accuracy.dataset.points = String(curves.evaluations);
    this.figures.accuracy.dataset.comparePoints = String(curves.twinEvaluations);
  }
}
