// Draws the session's state into the views. What changed is drawn at once, except while training runs: then
// the drawing waits for the next frame (requestAnimationFrame), once for all the changes since, so that it is
// never part of a chunk of training and the loop can see what frames cost; and every change of the page
// costs a repaint that the training would otherwise use, so the figures are drawn at a pace
// (refresh-pace.js), and the weights and the test results only while on screen, at their own pace (and at
// once when they come into view). Otherwise the weights and results, when off screen, are
// drawn in a task of their own, so that no change of the page waits for them.
import { watchInView } from './dom/in-view.js';
import { every, refreshPace } from './refresh-pace.js';
import { canTeach, curvesNote, isTrained } from './session/state.js';

const WEIGHTS_REFRESH_MS = 250;
const RESULTS_REFRESH_MS = 1000;
const ORDINARY_FORGETTING = 0.8; // how much the estimate of a frame without a refresh keeps of its past
// What a run changes with every chunk: drawn with the refreshes. A change of anything else is drawn in the
// next frame; a frame with neither draws nothing (checking every view cost about 1 ms a frame at 8× slower).
const RUN_FIGURES = new Set(['progress', 'samplesPerSecond', 'revision', 'trainAccuracy', 'testAccuracy']);

export class PageRenderer {
  /**
   * @param {object} views `training`, `data`, `charts`, `prediction`, `why` (the evidence), `teach`,
   *   `corrections` (the visitor's drawings), `weights`, `results`, and `settings` (the form, locked while
   *   training runs)
   * @param {object} queries the session's queries (session/queries.js): what is drawn from the model
   *   (predictions, evidence, the input as the model reads it, weights, test results)
   * @param {object} panels where the `weights` and the `results` are drawn (elements)
   */
  constructor(views, queries, panels) {
    this.views = views;
    this.queries = queries;
    this.panels = panels;
    this.state = null;
    this.frame = 0; // the frame the next drawing is waiting for, while training runs
    this.pageChanged = true; // whether anything besides RUN_FIGURES changed since the last drawing
    // The figures' gap is asked at each frame (refreshPace); the weights' and results' are their own.
    this.due = { view: every(0), weights: every(WEIGHTS_REFRESH_MS), results: every(RESULTS_REFRESH_MS) };
    // What was drawn last: the digit, and the model's revision each figure shows.
    this.drawn = { running: undefined, digit: null, weights: -1, results: -1 };
    this.soon = new Map(); // the off-screen panels waiting for their own task
    this.seen = { pixels: null, input: null }; // the last drawing straightened, and how it came out
    // What a refresh costs in all, the browser's layout, paint and commit included: the training loop
    // measures each frame's cost besides training; what a refresh's two frames cost beyond ordinary ones is it.
    this.refreshed = null; // a refresh whose frames are being counted: { scriptMs, frames (left), ms }
    this.ordinaryFrameMs = undefined;
    this.onScreen = watchInView([panels.weights, panels.results], (panel) => {
      if (this.state?.phase !== 'running') return;
      if (panel === panels.results) this.drawResults(this.state);
      else this.drawWeights(this.state);
    });
  }

  /**
   * Draws `state`: at once, or while training runs in the next frame's requestAnimationFrame, once for all
   * the changes made meanwhile, so that drawing is never part of a chunk of training. `changes`, what
   * changed (all of it when not given), spares a frame the views whose state did not change.
   */
  render(state, changes = undefined) {
    this.state = state;
    if (!changes || Object.keys(changes).some((key) => !RUN_FIGURES.has(key))) this.pageChanged = true;
    if (state.phase === 'running') {
      this.frame ||= requestAnimationFrame(() => {
        this.frame = 0;
        this.draw(this.state);
      });
      return;
    }
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw(state);
  }

  draw(state) {
    const running = state.phase === 'running';
    this.countLastFrame(running ? state.loop?.lastFrameMs : undefined);
    const refresh = !running || this.due.view.due(refreshPace(state.paced));
    if (refresh || this.pageChanged) this.drawPage(state, running);
    this.pageChanged = false;
    if (refresh) this.refreshFigures(state, running);
    if (refresh || state.digit !== this.drawn.digit) this.drawPrediction(state);
    const { weights, results } = this.panels;
    if (running) {
      for (const [panel, pace, draw] of [[weights, this.due.weights, 'drawWeights'], [results, this.due.results, 'drawResults']]) {
        if (!this.onScreen.isInView(panel) || !pace.due()) continue;
        const started = performance.now();
        this[draw](state);
        pace.took(performance.now() - started);
      }
    } else {
      this.drawNowOrSoon(weights, () => this.drawWeights(this.state));
      this.drawNowOrSoon(results, () => this.drawResults(this.state));
    }
  }

  /** What the visitor changes, or a run's start and end: the buttons, the form, the data set, the messages. */
  drawPage(state, running) {
    const { training, data, settings, corrections } = this.views;
    training.showPhase(state.phase, isTrained(state));
    if (this.drawn.running !== running) settings.lock(running);
    this.drawn.running = running;
    settings.show(state.options); // the form says how the model in use was made
    data.show(state.data?.name, state.info);
    data.showLoading(state.loading);
    data.showError(state.dataError);
    training.showMessages({
      error: state.trainError,
      notice: state.notice,
      comparison: state.comparison,
      curvesNote: curvesNote(state),
    });
    training.showDrawings(state.corrections.length, state.confirmingReset);
    corrections.show(state.corrections, state.info?.imageShape);
  }

  /** The run's progress, figures and curves; while it runs, at the pace of what a refresh costs. */
  refreshFigures(state, running) {
    const { training, charts } = this.views;
    const started = performance.now();
    training.showProgress(state.phase, state.progress, state.options?.epochs ?? 0);
    const { testAccuracy, trainAccuracy, samplesPerSecond, paced } = state;
    // The loss as the chart's main line draws it: smoothed, not the last mini-batch's alone.
    const loss = state.curves.smoothedLoss.findLast((value) => value !== null) ?? undefined;
    training.showFigures({ testAccuracy, trainAccuracy, loss, samplesPerSecond, paced });
    charts.show(state.curves, { spread: running }); // while running, the accuracy chart in the next frame
    const refreshed = { scriptMs: 0, frames: 2, ms: 0 };
    this.refreshed = running ? refreshed : null;
    // uPlot draws in a microtask queued by `show`: this one runs after it.
    queueMicrotask(() => {
      refreshed.scriptMs = performance.now() - started;
      this.due.view.took(refreshed.scriptMs);
    });
  }

  /**
   * Paces the refreshes by what they cost in all: `frameMs`, what the last frame cost besides training
   * (undefined when not known), beyond what an ordinary frame costs, over the two frames a refresh takes
   * while training. On a slow phone a refresh's layout, paint and commit cost more than its script.
   */
  countLastFrame(frameMs) {
    const { refreshed } = this;
    if (frameMs === undefined) {
      this.refreshed = null;
      return;
    }
    if (refreshed) {
      refreshed.ms += frameMs - (this.ordinaryFrameMs ?? 0);
      refreshed.frames -= 1;
      if (refreshed.frames > 0) return;
      this.refreshed = null;
      this.due.view.took(Math.max(refreshed.scriptMs, refreshed.ms));
      return;
    }
    this.ordinaryFrameMs = ORDINARY_FORGETTING * (this.ordinaryFrameMs ?? frameMs) + (1 - ORDINARY_FORGETTING) * frameMs;
  }

  /**
   * Draws a panel at once when it is on screen, else in a task of its own (so a change never waits for it),
   * unless a run has started meanwhile (Train resets the model first): then the run draws it at its pace.
   */
  drawNowOrSoon(panel, draw) {
    if (this.onScreen.isInView(panel)) {
      draw();
      return;
    }
    if (!this.soon.has(panel)) {
      this.soon.set(panel, setTimeout(() => {
        this.soon.delete(panel);
        if (this.state.phase !== 'running') draw();
      }));
    }
  }

  /**
   * Classifies the digit in the prediction panel with the current model, explains it when the model is
   * trained, and offers to teach the model when it may be taught.
   */
  drawPrediction(state) {
    const { digit, info, deskews } = state;
    const { prediction, why, teach } = this.views;
    this.drawn.digit = digit;
    const { pixels, source } = digit;
    const trained = isTrained(state);
    teach.show(canTeach(state), state.taught, Boolean(state.undo));
    if (pixels && info && pixels.length !== info.features) {
      const note = `The pad draws 28×28 digits, but this data set's images have ${info.features} pixels.`;
      prediction.show({ source: note });
      why.show(null, false);
      return;
    }
    const probabilities = pixels && this.queries.predict(pixels);
    prediction.show({
      pixels: pixels && this.modelInput(pixels, deskews),
      straightened: deskews,
      probabilities: probabilities ?? null,
      trained,
      source,
      drawing: digit.drawing,
      offerTraining: Boolean(pixels) && !trained && state.phase === 'ready',
    });
    const explain = trained && probabilities ? () => this.queries.evidence(pixels) : null;
    why.show(explain, trained, info?.imageShape);
  }

  /** `pixels` as the model reads them; straightening is asked of the core once per drawing. */
  modelInput(pixels, deskews) {
    if (!deskews) return pixels;
    if (this.seen.pixels !== pixels) this.seen = { pixels, input: this.queries.modelInput(pixels) ?? pixels };
    return this.seen.input;
  }

  drawWeights(state) {
    if (!state.trainer || this.drawn.weights === state.revision) return;
    const weights = this.queries.weights();
    if (!weights) return;
    this.drawn.weights = state.revision;
    this.views.weights.show(weights, state.info.imageShape);
  }

  /** The confusion matrix and the mistakes gallery of a trained model; a placeholder before. */
  drawResults(state) {
    if (this.drawn.results === state.revision) return;
    this.drawn.results = state.revision;
    if (!isTrained(state)) {
      this.views.results.clear();
      return;
    }
    const results = this.queries.testResults();
    const imageOf = (index) => this.queries.testImage(index);
    if (results) this.views.results.show(results.predictions, results.labels, imageOf, state.info.imageShape);
  }
}
