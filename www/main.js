// The page: wires the data panel, the settings, the training loop, the charts and the drawing pad to the
// wasm core. All state lives in `app`; every change of state goes through `setState`.
import defaultDataUrl from '../data/mini_mnist.npz?url';
import { loadCore, messageOf } from './core.js';
import { LearningCharts } from './charts.js';
import { acceptFiles, showDataset, showError } from './data-view.js';
import { DrawingPad } from './drawing-pad.js';
import { PredictionView } from './prediction-view.js';
import { lockSettings, readSettings } from './settings.js';
import { TrainingLoop } from './training-loop.js';

const $ = (id) => document.getElementById(id);
const VIEW_REFRESH_MS = 100;

const app = {
  core: null,
  data: null, // { name, bytes } of the data set in use
  trainer: null,
  trainerOptions: '', // the options the trainer was made with, to reuse a fresh one
  loop: null,
  state: 'loading', // loading | ready | running | paused | done
  progress: null,
  digit: null, // the drawing in MNIST form, or null when the pad is empty
};

const view = {
  charts: new LearningCharts($('loss-chart'), $('accuracy-chart')),
  prediction: new PredictionView({ text: $('prediction-text'), bars: $('probabilities'), seen: $('seen') }),
  pad: null,
  form: $('settings'),
  buttons: { train: $('train-button'), pause: $('pause-button'), reset: $('reset-button') },
  dataElements: { summary: $('data-summary'), counts: $('class-counts'), notice: $('data-notice') },
};

const percent = (value) => `${(value * 100).toFixed(1)} %`;
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

function setStat(id, text, value) {
  const element = $(id);
  element.textContent = text;
  if (value === undefined) delete element.dataset.value;
  else element.dataset.value = String(value);
}

function setState(state) {
  app.state = state;
  if (state !== 'running') refreshTrainingView(true);
  document.body.dataset.state = state;
  const { train, pause, reset } = view.buttons;
  train.disabled = state === 'loading' || state === 'running';
  train.textContent = state === 'done' || state === 'paused' ? 'Train again' : 'Train';
  pause.disabled = state !== 'running' && state !== 'paused';
  pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
  pause.setAttribute('aria-pressed', String(state === 'paused'));
  reset.disabled = state === 'loading' || (state === 'ready' && !app.progress);
  lockSettings(view.form, state === 'running');
  showProgress();
}

function showProgress() {
  const p = app.progress;
  const epochs = app.trainer ? JSON.parse(app.trainerOptions).epochs : 0;
  const total = p ? p.batchesPerEpoch * epochs : 1;
  $('progress').max = total;
  $('progress').value = p ? p.totalBatches : 0;
  let text = 'Ready';
  if (app.state === 'loading') text = 'Loading…';
  else if (p?.done) text = `Done: ${epochs} epochs`;
  else if (p) text = `Epoch ${p.epoch + 1} of ${epochs}, batch ${p.batch} of ${p.batchesPerEpoch}`;
  if (app.state === 'paused') text += ' (paused)';
  $('progress-text').textContent = text;
}

/** A new trainer on the current data with `options`; throws the core's message when refused. */
function makeTrainer(bytes, options) {
  return app.core.Trainer.fromNpz(bytes, options);
}

/** Takes `trainer` (a new one, or the current one restarted) made with `options` as the run. */
function adoptTrainer(trainer, options) {
  app.loop?.pause();
  app.loop = null;
  if (app.trainer !== trainer) app.trainer?.free();
  app.trainer = trainer;
  app.trainerOptions = JSON.stringify(options);
  app.progress = null;
  app.trainAccuracy = undefined; // the last epoch's mean over its batches, then the whole set's at the end
  app.samplesPerSecond = 0;
  view.charts.reset(trainer.step(0).batchesPerEpoch, options.epochs);
  for (const id of ['stat-test-accuracy', 'stat-train-accuracy', 'stat-loss', 'stat-speed']) setStat(id, '—');
  setState('ready');
  updatePrediction();
}

function currentOptions(errorElement) {
  const { options, error, input } = readSettings(view.form);
  showError(errorElement, error ?? '');
  input?.focus();
  return options;
}

/** Takes a data set (bundled or the user's); a refused file leaves the data and the model as they were. */
function useData(candidate) {
  const options = currentOptions($('data-error'));
  if (!options) return;
  let trainer;
  try {
    trainer = makeTrainer(candidate.bytes, options);
  } catch (error) {
    showError($('data-error'), `${candidate.name} was not loaded. ${messageOf(error)}`);
    return;
  }
  showError($('data-error'), '');
  app.data = candidate;
  showDataset(view.dataElements, candidate.name, trainer.datasetInfo());
  adoptTrainer(trainer, options);
  if (!performance.getEntriesByName('usable').length) performance.mark('usable'); // for the benchmark
}

/**
 * A fresh, untrained model with the form's settings; false when the settings are refused. An untouched
 * trainer made with the same settings is reused unless `force` is set.
 */
function freshRun(force = false) {
  const options = currentOptions($('train-error'));
  if (!options) return false;
  const untouched = app.state === 'ready' && !app.progress && JSON.stringify(options) === app.trainerOptions;
  if (untouched && !force) return true;
  try {
    app.trainer.restart(options); // the same data, decoded once
    adoptTrainer(app.trainer, options);
    return true;
  } catch (error) {
    showError($('train-error'), messageOf(error));
    return false;
  }
}

let viewRefreshedAt = 0;

/**
 * Shows the training's progress, at most every VIEW_REFRESH_MS while it runs (or at once with `now`): every
 * change of the page costs the browser a repaint that the training would otherwise use.
 */
function refreshTrainingView(now = false) {
  if (!now && performance.now() - viewRefreshedAt < VIEW_REFRESH_MS) return;
  viewRefreshedAt = performance.now();
  const { progress, trainAccuracy, samplesPerSecond } = app;
  if (trainAccuracy !== undefined) setStat('stat-train-accuracy', percent(trainAccuracy), trainAccuracy);
  if (progress) setStat('stat-loss', Number.isFinite(progress.loss) ? progress.loss.toFixed(3) : '—', progress.loss);
  if (samplesPerSecond) setStat('stat-speed', `${compact.format(samplesPerSecond)} images/s`, samplesPerSecond);
  view.charts.redraw(now);
  showProgress();
  updatePrediction();
}

function startTraining() {
  if (!freshRun()) return;
  const options = JSON.parse(app.trainerOptions);
  app.loop = new TrainingLoop(app.trainer, {
    onBatches(progress, samplesPerSecond) {
      app.progress = progress;
      const epochAccuracy = view.charts.addBatches(progress.batchLosses, progress.batchAccuracies);
      if (epochAccuracy !== undefined) app.trainAccuracy = epochAccuracy;
      app.samplesPerSecond = samplesPerSecond;
      refreshTrainingView();
    },
    onEvaluation(result) {
      view.charts.addEvaluation(result);
      view.charts.redraw();
      setStat('stat-test-accuracy', percent(result.testAccuracy), result.testAccuracy);
      if (Number.isFinite(result.trainAccuracy)) app.trainAccuracy = result.trainAccuracy;
      refreshTrainingView();
    },
    onFinish() {
      setState('done');
    },
    onError(message) {
      showError($('train-error'), `Training stopped: ${message}`);
      setState('done');
    },
  });
  setState('running');
  window.trainingLoop = app.loop; // read by bench/run.mjs: where each frame's time goes (BENCHMARKS.md)
  app.loop.start(options.batchSize);
}

function togglePause() {
  if (app.state === 'running') {
    app.loop.pause();
    setState('paused');
  } else if (app.state === 'paused') {
    setState('running');
    app.loop.resume();
  }
}

let predictionFrame = 0;

/** Re-reads the pad on the next frame (drawing events come faster than frames). */
function schedulePadRead() {
  cancelAnimationFrame(predictionFrame);
  predictionFrame = requestAnimationFrame(() => {
    const image = view.pad.imageData();
    try {
      app.digit = view.pad.isEmpty ? null : app.core?.preprocessDigit(image.data, image.width, image.height) ?? null;
    } catch (error) {
      app.digit = null;
      showError($('train-error'), messageOf(error));
    }
    updatePrediction();
  });
}

function updatePrediction() {
  if (!app.trainer || !app.digit) {
    view.prediction.show(app.digit, null, false);
    return;
  }
  const trained = Boolean(app.progress && app.progress.totalBatches > 0);
  view.prediction.show(app.digit, app.trainer.predict(app.digit), trained);
}

async function boot() {
  setState('loading');
  view.pad = new DrawingPad($('pad'), schedulePadRead);
  $('clear-button').addEventListener('click', () => view.pad.clear());
  view.buttons.train.addEventListener('click', startTraining);
  view.buttons.pause.addEventListener('click', togglePause);
  view.buttons.reset.addEventListener('click', () => freshRun(true));
  view.form.addEventListener('submit', (event) => event.preventDefault());
  acceptFiles({ input: $('file-input'), zone: $('drop-zone') }, useData, (message) =>
    showError($('data-error'), message),
  );

  try {
    const [core, response] = await Promise.all([loadCore(), fetch(defaultDataUrl)]);
    if (!response.ok) throw new Error(`the bundled data could not be fetched (HTTP ${response.status})`);
    app.core = core;
    useData({ name: 'Bundled mini-MNIST', bytes: new Uint8Array(await response.arrayBuffer()) });
  } catch (error) {
    showError($('data-error'), `The demo could not start: ${messageOf(error)}`);
  }
}

boot();
