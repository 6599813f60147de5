// Learning curves with uPlot, made for comparing (x in epochs): the batch loss smoothed over the raw series
// drawn faint, the accuracies, and the previous run drawn faint until Reset. The y axes zoom to the data, the
// legend reads the values under the cursor, and the arrow keys move the cursor from point to point.
import uPlot from 'uplot';
import { chartPoints } from './chart-points.js';
import { accuracyRange, lossRange, lossTicks } from './chart-scales.js';

// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; faint ones let some through.
const BLUE = '#0072B2';
const ORANGE = '#E69F00';
const GREY = '#8a8a8a'; // the previous run
const PURPLE = '#CC79A7'; // the whole-batch softmax, when compared
const faint = (colour) => `${colour}33`; // 20 % opaque: the raw, noisy series behind the ones to read

const DEFAULT_HEIGHT = 160; // px, when the figure sets no --chart-height
const MIN_WIDTH = 200;
const NONE = '–'; // a legend value where there is none
const HOVER_PX = 16; // how near the cursor a sparse series' point must be for the legend to read it

const percentText = (v) => `${(v * 100).toFixed(1)} %`;
const lossText = (v) => v.toPrecision(3);
const legendValue = (format) => (u, v) => (v == null ? NONE : format(v));

/**
 * The series a chart draws, given whether there is a previous run and whether the run compares: each says
 * where its values are (`of`, from the run's curves; `previous`, from the previous run's). Series that do
 * not apply are left out, so that they are not in the legend either.
 */
const SERIES = {
  loss: ({ previous, compare }) => [
    { label: 'mini-batch', of: (c) => c.batchLoss, stroke: faint(BLUE), width: 1 },
    { label: 'smoothed', of: (c) => c.smoothedLoss, stroke: BLUE, width: 2, main: true },
    previous && { label: 'previous run', of: (c) => c.smoothedLoss, previous: true, stroke: GREY, width: 1.5, dash: [6, 4] },
    compare && { label: 'whole-batch softmax', of: (c) => c.twinSmoothedLoss, stroke: PURPLE, width: 2 },
  ],
  accuracy: ({ previous, compare }) => [
    { label: 'mini-batch', of: (c) => c.batchAccuracy, stroke: faint(ORANGE), width: 1 },
    { label: 'train', of: (c) => c.trainAccuracy, stroke: ORANGE, width: 1.5, points: 4, stop: true },
    { label: 'test', of: (c) => c.testAccuracy, stroke: BLUE, width: 2, points: 5, main: true, stop: true },
    previous && { label: 'previous run', of: (c) => c.testAccuracy, previous: true, stroke: GREY, width: 1.5, dash: [6, 4], stop: true },
    compare && { label: 'whole-batch softmax', of: (c) => c.twinTest, stroke: PURPLE, width: 2, dash: [3, 3], points: 4, stop: true },
  ],
};

/** What differs between the two charts: the y scale and axis, and how the legend writes values. */
const KINDS = {
  loss: {
    scale: { distr: 3 },
    range: [0.1, 10], // until there is data
    text: lossText,
    axis: { space: 24, splits: lossTicks, filter: (u, splits) => splits, values: (u, splits) => splits.map(String) },
  },
  accuracy: {
    scale: {},
    range: [0, 1],
    text: percentText,
    // Ticks on whole percents (chart-scales.js makes the axis at least 4 % tall).
    axis: { space: 24, incrs: [0.01, 0.02, 0.05, 0.1, 0.2], values: (u, splits) => splits.map((v) => `${Math.round(v * 100)} %`) },
  },
};

/** The last index at or before `index` where `values` has a value, else null. */
function lastValueAt(values, index) {
  for (let i = Math.min(index, values.length - 1); i >= 0; i -= 1) if (values[i] != null) return i;
  return null;
}

/** The height `figure`'s CSS asks of its chart (--chart-height, in px or rem), else DEFAULT_HEIGHT. */
function chartHeight(figure) {
  const value = getComputedStyle(figure).getPropertyValue('--chart-height');
  const number = parseFloat(value);
  if (!(number > 0)) return DEFAULT_HEIGHT;
  if (value.trim().endsWith('rem')) return number * parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Math.round(number);
}

/** The width of `figure`'s content, in px. */
function contentWidth(figure) {
  const style = getComputedStyle(figure);
  return figure.clientWidth - parseFloat(style.paddingLeft || 0) - parseFloat(style.paddingRight || 0);
}

/** One of the two charts: its figure, its uPlot (rebuilt when its series change) and how it reads its data. */
class Chart {
  constructor(figure, kind) {
    this.figure = figure;
    this.kind = kind;
    this.height = chartHeight(figure);
    this.width = Math.max(MIN_WIDTH, Math.floor(contentWidth(figure)));
    this.range = null; // the y range, set before each drawing
    this.xMax = 1;
    this.idle = []; // what the legend reads when the cursor is off the chart: the run's latest values
    this.layout = '';
    this.plot = null;
    this.announcer = document.createElement('p');
    this.announcer.className = 'visually-hidden';
    this.announcer.setAttribute('aria-live', 'polite');
    const caption = figure.querySelector('figcaption')?.textContent.trim() || 'Learning curve';
    figure.append(this.announcer);
    figure.tabIndex = 0;
    figure.setAttribute('aria-label', `${caption}. The left and right arrow keys read its values point by point.`);
    figure.addEventListener('keydown', (event) => this.onKey(event));
    figure.addEventListener('blur', () => this.plot?.setCursor({ left: -10, top: -10 }));
    this.build({ previous: false, compare: false });
  }

  /** Makes the uPlot for these series afresh (uPlot cannot add and remove series cleanly with a legend). */
  build(layout) {
    const kind = KINDS[this.kind];
    this.layout = layoutKey(layout);
    this.series = SERIES[this.kind](layout).filter(Boolean);
    this.plot?.destroy();
    const options = {
      width: this.width,
      height: this.height,
      // The x axis spans the whole planned run, so the curves fill it as training goes.
      scales: { x: { time: false, range: () => [0, this.xMax] }, y: { ...kind.scale, range: () => this.range ?? kind.range } },
      legend: { live: true },
      // A series with no point at the cursor reads its nearest one, if within HOVER_PX (else a dash).
      cursor: { drag: { x: false, y: false }, hover: { skip: [null, undefined], prox: HOVER_PX } },
      axes: [{ label: 'epoch', labelSize: 16, size: 30 }, { size: 56, ...kind.axis }], // room for "100 %"
      series: [{ label: 'epoch', value: legendValue((v) => v.toFixed(1)) }, ...this.series.map((s) => uplotSeries(s, kind.text))],
      hooks: { setLegend: [(u) => this.holdLegend(u)] },
    };
    const empty = [[], ...this.series.map(() => [])];
    this.plot = new uPlot(options, empty, (u, init) => {
      this.figure.insertBefore(u.root, this.announcer);
      init();
    });
  }

  /** Draws `curves` (rebuilding the chart first if its series changed). */
  draw(curves, layout, range) {
    if (layoutKey(layout) !== this.layout) this.build(layout);
    const { data, last } = chartPoints(curves, this.series, this.width);
    this.range = range;
    this.xMax = Math.max(curves.epochs, data[0].at(-1) ?? 0);
    this.idle = data.map((values, i) => (i === 0 ? last : lastValueAt(values, last)));
    this.plot.setData(data);
  }

  /** With the cursor off the chart, the legend reads the latest values rather than dashes. */
  holdLegend(u) {
    if (u.cursor.idx == null && this.idle.length === u.series.length) u.setLegend({ idxs: this.idle }, false);
  }

  /** Fits the chart to its figure's content `width` and to the height its CSS says now (media queries may change it). */
  resize(width) {
    const fitted = Math.max(MIN_WIDTH, Math.floor(width));
    const height = chartHeight(this.figure);
    if (fitted === this.width && height === this.height) return;
    [this.width, this.height] = [fitted, height];
    this.plot.setSize({ width: fitted, height });
  }

  /** The indices the arrow keys stop at: the evaluations, or for the loss, each quarter epoch and the end. */
  stops() {
    const [x, ...columns] = this.plot.data;
    const evaluated = this.series.map((s, i) => (s.stop ? columns[i] : null)).filter(Boolean);
    const stops = [];
    for (let i = 0; i < x.length; i += 1) {
      const quarter = i === 0 || i === x.length - 1 || Math.floor(x[i] * 4) !== Math.floor(x[i - 1] * 4);
      if (evaluated.length > 0 ? evaluated.some((values) => values[i] != null) : quarter) stops.push(i);
    }
    return stops;
  }

  onKey(event) {
    const u = this.plot;
    const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
    if (!keys.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const stops = this.stops();
    if (stops.length === 0) return;
    event.preventDefault();
    const at = u.cursor.idx;
    let next;
    if (event.key === 'Home' || (event.key === 'ArrowRight' && at == null)) next = stops[0];
    else if (event.key === 'End' || at == null) next = stops.at(-1);
    else if (event.key === 'ArrowRight') next = stops.find((i) => i > at) ?? stops.at(-1);
    else next = stops.findLast((i) => i < at) ?? stops[0];
    this.point(next);
  }

  /** Puts the cursor on point `index` (on the main series), so the legend reads it, and says it aloud. */
  point(index) {
    const u = this.plot;
    const main = this.series.findIndex((s) => s.main) + 1;
    const y = u.data[main][lastValueAt(u.data[main], index) ?? index];
    const top = y == null ? u.over.clientHeight / 2 : u.valToPos(y, 'y');
    u.setCursor({ left: u.valToPos(u.data[0][index], 'x'), top });
    const read = u.series.map((s, i) => `${s.label} ${u.legend.values[i]?._ ?? NONE}`).filter((text) => !text.endsWith(NONE));
    this.announcer.textContent = read.join(', ');
  }
}

const layoutKey = ({ previous, compare }) => `${previous ? 'previous' : ''} ${compare ? 'compare' : ''}`;

/** A uPlot series from one of SERIES'. */
function uplotSeries(s, text) {
  return {
    label: s.label,
    stroke: s.stroke,
    width: s.width,
    ...(s.dash && { dash: s.dash }),
    spanGaps: true,
    points: s.points ? { show: true, size: s.points } : { show: false },
    value: legendValue(text),
  };
}

/**
 * Two charts of a run's learning curves (session/curves.js), with the previous run's faint beside them. A
 * chart of thousands of points takes milliseconds to draw, so `show` draws only curves that changed, and the
 * page calls it at its own pace.
 */
export class LearningCharts {
  /** @param {HTMLElement} lossFigure @param {HTMLElement} accuracyFigure the figures the charts go in */
  constructor(lossFigure, accuracyFigure) {
    this.figures = { loss: lossFigure, accuracy: accuracyFigure };
    this.curves = null;
    this.shownRevision = -1;
    this.accuracyFrame = 0; // the frame the accuracy chart waits for, when drawn spread over two
    this.loss = new Chart(lossFigure, 'loss');
    this.accuracy = new Chart(accuracyFigure, 'accuracy');
    // Sized to their figures' width; in a frame of their own, so that resizing cannot loop the observer.
    const widths = new Map();
    let frame = 0;
    this.observer = new ResizeObserver((entries) => {
      for (const entry of entries) widths.set(entry.target, entry.contentRect.width);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        for (const chart of [this.loss, this.accuracy]) if (widths.has(chart.figure)) chart.resize(widths.get(chart.figure));
        widths.clear();
      });
    });
    this.observer.observe(lossFigure);
    this.observer.observe(accuracyFigure);
  }

  /**
   * Draws `curves` unless they are the ones drawn last, unchanged. A run's previous run is drawn faint, and
   * the whole-batch softmax's curves when comparing; the charts are rebuilt only when that changes. With
   * `spread`, the accuracy chart is drawn in the next frame: while training on a slow phone, a frame that
   * draws both charts would keep the next frame waiting.
   */
  show(curves, { spread = false } = {}) {
    if (curves === this.curves && curves.revision === this.shownRevision) return;
    this.curves = curves;
    this.shownRevision = curves.revision;
    const layout = { previous: Boolean(curves.previous), compare: Boolean(curves.compare) };
    this.loss.draw(curves, layout, lossRange(curves));
    this.figures.loss.dataset.points = String(curves.x.length - 1); // for tests and assistive tech
    cancelAnimationFrame(this.accuracyFrame);
    const drawAccuracy = () => {
      this.accuracy.draw(curves, layout, accuracyRange(curves));
      this.figures.accuracy.dataset.points = String(curves.evaluations);
      this.figures.accuracy.dataset.comparePoints = String(curves.twinEvaluations);
    };
    if (spread) this.accuracyFrame = requestAnimationFrame(drawAccuracy);
    else drawAccuracy();
  }
}
