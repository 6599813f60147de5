// The page: wires the data panel, the settings, the training loop, the charts and the drawing pad to the
// wasm core. All state lives in `app`; every change of state goes through `setState`.
import defaultDataUrl from '../data/mini_mnist.npz?url';
import { isCoreFailure, loadCore, messageOf } from './core.js';
import { LearningCharts } from './charts.js';
import { acceptFiles, showDataset, showError } from './data-view.js';
import { DigitInput } from './digit-input.js';
import { PredictionView } from './prediction-view.js';
import { download, forgetModel, keepModel, keptModel } from './model-store.js';
import { lockSettings, readSettings } from './settings.js';
import { TestResultsView } from './test-results-view.js';
import { TrainingLoop } from './training-loop.js';
import { linkSettingsToUrl } from './url-settings.js';
import { WeightsView } from './weights-view.js';
import { $, comparisonText, compact, percent, progressText, setStat, showNotice } from './page-text.js';
import { watchInView } from './in-view.js';

const VIEW_REFRESH_MS = 100;
const RESULTS_REFRESH_MS = 1000;
const WEIGHTS_REFRESH_MS = 250;
const BUNDLED_NAME = 'Bundled mini-MNIST';

const app = {
  core: null,
  data: null, // { name, bytes } of the data set in use
  trainer: null,
  trainerOptions: '', // the options the trainer was made with, to reuse a fresh one
  loop: null,
  state: 'loading', // loading | ready | running | paused | done
  progress: null,
  info: null, // what the data set holds (datasetInfo)
  imported: false, // whether the model was loaded from a file rather than trained
  testAccuracy: undefined,
};

const view = {
  charts: new LearningCharts($('loss-chart'), $('accuracy-chart')),
  prediction: new PredictionView({
    text: $('prediction-text'),
    source: $('prediction-source'),
    bars: $('probabilities'),
    seen: $('seen'),
  }),
  weights: new WeightsView($('templates'), $('template-caption')),
  results: new TestResultsView(
    { matrix: $('confusion'), gallery: $('mistakes'), summary: $('results-summary') },
    (index) => showTestImage(index),
  ),
  digit: null, // the digit classified: the drawing pad's, or a test image (a DigitInput)
  form: $('settings'),
  buttons: { train: $('train-button'), pause: $('pause-button'), reset: $('reset-button') },
  dataElements: { summary: $('data-summary'), counts: $('class-counts'), notice: $('data-notice') },
};

// While training runs, the weights and the test results are redrawn only when on screen, and at once when
// they come into view.
const panels = watchInView([$('weights-panel'), $('results-panel')], (panel) => {
  if (app.state !== 'running') return;
  if (panel.id === 'results-panel') showTestResults(true);
  else showWeights();
});

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
  reset.disabled = state === 'loading' || (state === 'ready' && !isTrained());
  lockSettings(view.form, state === 'running');
  showProgress();
}

function showProgress() {
  const p = app.progress;
  const epochs = app.trainer ? JSON.parse(app.trainerOptions).epochs : 0;
  const total = p ? p.batchesPerEpoch * epochs : 1;
  const bar = $('progress');
  if (bar.max !== total) bar.max = total;
  bar.value = p ? p.totalBatches : 0;
  const text = progressText(app.state, p, epochs);
  if ($('progress-text').textContent !== text) $('progress-text').textContent = text;
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
  app.twin?.free();
  app.twin = null;
  app.trainer = trainer;
  app.trainerOptions = JSON.stringify(options);
  app.progress = null;
  app.imported = false;
  app.testAccuracy = undefined;
  app.trainAccuracy = undefined; // the last epoch's mean over its batches, then the whole set's at the end
  app.samplesPerSecond = 0;
  view.charts.reset(trainer.step(0).batchesPerEpoch, options.epochs);
  for (const id of ['stat-test-accuracy', 'stat-train-accuracy', 'stat-loss', 'stat-speed']) setStat(id, '—');
  view.results.clear();
  showNotice('');
  $('compare-result').hidden = true;
  setState('ready');
  updatePrediction();
}

const isTrained = () => app.imported || Boolean(app.progress && app.progress.totalBatches > 0);

let resultsShownAt = 0;

/** The confusion matrix and the mistakes gallery, at most every RESULTS_REFRESH_MS unless `now`. */
function showTestResults(now = false) {
  if (!now && (!panels.isInView($('results-panel')) || performance.now() - resultsShownAt < RESULTS_REFRESH_MS)) return;
  if (!isTrained()) return;
  resultsShownAt = performance.now();
  const { trainer } = app;
  view.results.show(trainer.testPredictions(), trainer.testLabels(), (i) => trainer.testImage(i), app.info.imageShape);
}

/** Shows test sample `index` in the prediction panel, in place of the drawing. */
function showTestImage(index) {
  const label = app.trainer.testLabels()[index];
  view.digit.showTestImage(app.trainer.testImage(index), `Test image ${index}, labelled ${label}. Draw on the pad to go back.`);
  $('draw-panel').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
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
    // A saved model dropped or picked here is loaded as a model rather than refused as data.
    if (/Array X_train is missing/.test(messageOf(error)) && importModel(candidate.bytes, candidate.name, true)) {
      showError($('data-error'), '');
      return;
    }
    showError($('data-error'), `${candidate.name} was not loaded. ${messageOf(error)}`);
    return;
  }
  showError($('data-error'), '');
  app.data = candidate;
  app.info = trainer.datasetInfo();
  showDataset(view.dataElements, candidate.name, app.info);
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
  const untouched =
    app.state === 'ready' && !app.progress && !app.imported && JSON.stringify(options) === app.trainerOptions;
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
let weightsShownAt = 0;

/**
 * Shows the training's progress, at most every VIEW_REFRESH_MS while it runs (or at once with `now`): every
 * change of the page costs the browser a repaint that the training would otherwise use.
 */
function refreshTrainingView(now = false) {
  if (!now && performance.now() - viewRefreshedAt < VIEW_REFRESH_MS) return;
  viewRefreshedAt = performance.now();
  const { progress, testAccuracy, trainAccuracy, samplesPerSecond } = app;
  if (testAccuracy !== undefined) setStat('stat-test-accuracy', percent(testAccuracy), testAccuracy);
  if (trainAccuracy !== undefined) setStat('stat-train-accuracy', percent(trainAccuracy), trainAccuracy);
  if (progress) setStat('stat-loss', Number.isFinite(progress.loss) ? progress.loss.toFixed(3) : '—', progress.loss);
  if (samplesPerSecond) setStat('stat-speed', `${compact.format(samplesPerSecond)} images/s`, samplesPerSecond);
  view.charts.redraw();
  const weightsDue = panels.isInView($('weights-panel')) && performance.now() - weightsShownAt >= WEIGHTS_REFRESH_MS;
  if (app.trainer && (now || weightsDue)) showWeights();
  if (app.state === 'running') showTestResults();
  $('export-button').disabled = !isTrained() || app.state === 'running';
  showProgress();
  updatePrediction();
}

function showWeights() {
  weightsShownAt = performance.now();
  view.weights.show(app.trainer.weights(), app.info.imageShape);
}

/** The run's twin for comparison: the other softmax on the same data, seed and batches. */
function makeTwin(options) {
  const other = options.softmax === 'row' ? 'batch' : 'row';
  const twin = makeTrainer(app.data.bytes, { ...options, softmax: other });
  view.charts.reset(twin.step(0).batchesPerEpoch, options.epochs, true);
  return twin;
}

function showComparison(result, twin) {
  const softmax = JSON.parse(app.trainerOptions).softmax;
  $('compare-result').hidden = false;
  $('compare-result').textContent = comparisonText(...(softmax === 'row' ? [result, twin] : [twin, result]));
}

function startTraining() {
  if (!freshRun()) return;
  const options = JSON.parse(app.trainerOptions);
  app.twin = view.form.elements.compare.checked ? makeTwin(options) : null;
  app.loop = new TrainingLoop(app.trainer, {
    onBatches(progress, samplesPerSecond, twinProgress) {
      app.progress = progress;
      const twinLosses = twinProgress?.batchLosses ?? [];
      const epochAccuracy = view.charts.addBatches(progress.batchLosses, progress.batchAccuracies, twinLosses);
      if (epochAccuracy !== undefined) app.trainAccuracy = epochAccuracy;
      app.samplesPerSecond = samplesPerSecond;
      refreshTrainingView();
    },
    onEvaluation(result, twin) {
      view.charts.addEvaluation(result, twin);
      if (twin) showComparison(result, twin);
      app.testAccuracy = result.testAccuracy;
      if (Number.isFinite(result.trainAccuracy)) app.trainAccuracy = result.trainAccuracy;
      refreshTrainingView();
    },
    onFinish() {
      setState('done');
      showTestResults(true);
      const npz = app.trainer.exportNpz(app.testAccuracy);
      const meta = { dataName: app.data.name, features: app.info.features, testAccuracy: app.testAccuracy };
      // Kept for the next visit once the finished page is on screen: writing storage can take a frame.
      setTimeout(() => {
        if (!keepModel(npz, meta)) showNotice('This browser would not keep the model; save it as a file to keep it.');
      });
    },
    onError(error) {
      if (recoverFrom(error)) return;
      showError($('train-error'), `Training stopped: ${messageOf(error)}`);
      setState('done');
    },
  }, app.twin);
  setState('running');
  window.trainingLoop = app.loop; // read by bench/run.mjs: where the time goes (BENCHMARKS.md)
  app.loop.start(options);
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

/** Classifies the digit in the prediction panel with the current model. */
function updatePrediction() {
  const { pixels, source } = view.digit ?? {};
  if (pixels && app.info && pixels.length !== app.info.features) {
    const note = `The pad draws 28×28 digits, but this data set's images have ${app.info.features} pixels.`;
    view.prediction.show(null, null, false, note);
    return;
  }
  if (!app.trainer || !pixels) {
    view.prediction.show(pixels ?? null, null, false, source);
    return;
  }
  view.prediction.show(pixels, app.trainer.predict(pixels), isTrained(), source);
}

/** Loads a model file (from `exportNpz`) into the current run; a refused file leaves everything as it was. */
function importModel(bytes, name, quiet = false) {
  let saved;
  try {
    saved = app.trainer.importNpz(bytes); // checks the whole file before it replaces the model
  } catch (error) {
    if (!quiet) showError($('train-error'), `${name} was not loaded. ${messageOf(error)}`);
    return false;
  }
  adoptTrainer(app.trainer, JSON.parse(app.trainerOptions));
  app.imported = true;
  const evaluation = app.trainer.evaluate();
  app.testAccuracy = evaluation.testAccuracy;
  app.trainAccuracy = evaluation.trainAccuracy;
  setStat('stat-test-accuracy', percent(evaluation.testAccuracy), evaluation.testAccuracy);
  const how = saved.learningRate === undefined ? '' : ` (trained with learning rate ${saved.learningRate.toPrecision(3)}, ` +
    `batch ${saved.batchSize}, ${saved.epochs} epochs, ${saved.softmax} softmax, ${saved.schedule} rate)`;
  showNotice(`Loaded ${name}${how}: ${percent(evaluation.testAccuracy)} on this test set. Draw a digit, or Train to start over.`);
  showTestResults(true);
  setState('ready'); // now with a model to reset
  return true;
}

/** Brings back the model trained in this browser last time, if it fits the data on the page. */
function restoreKeptModel() {
  const kept = keptModel();
  if (!kept || kept.dataName !== app.data.name || kept.features !== app.info.features) return;
  if (!importModel(kept.npz, 'the model you trained last time', true)) forgetModel();
}

/**
 * Errors that escape from the core are caught here: the page says what happened, replaces the broken
 * trainer with a fresh one on the same data (bringing back the kept model if there is one) and goes on.
 */
function recoverFrom(error) {
  if (!isCoreFailure(error) || !app.data) return false;
  app.loop?.pause();
  app.loop = null;
  app.trainer = null; // broken: not freed, as it cannot be used at all
  try {
    app.twin?.free();
  } catch {
    // broken too
  }
  app.twin = null;
  try {
    const options = JSON.parse(app.trainerOptions);
    adoptTrainer(makeTrainer(app.data.bytes, options), options);
    restoreKeptModel();
    showError($('train-error'), `The model stopped working (${messageOf(error)}). The page started it again on the same data.`);
  } catch (again) {
    showError($('train-error'), `The model stopped working and could not be restarted: ${messageOf(again)}. Reload the page.`);
    setState('loading'); // nothing left to train or reset
  }
  return true;
}

async function boot() {
  window.addEventListener('error', (event) => {
    if (recoverFrom(event.error)) event.preventDefault();
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (recoverFrom(event.reason)) event.preventDefault();
  });
  setState('loading');
  view.digit = new DigitInput(
    $('pad'),
    (image) => app.core?.preprocessDigit(image.data, image.width, image.height) ?? null,
    updatePrediction,
    (error) => showError($('train-error'), messageOf(error)),
  );
  $('clear-button').addEventListener('click', () => view.digit.clear());
  view.buttons.train.addEventListener('click', startTraining);
  view.buttons.pause.addEventListener('click', togglePause);
  view.buttons.reset.addEventListener('click', () => {
    if (freshRun(true)) forgetModel(); // a deliberate reset also clears the kept model
  });
  $('export-button').addEventListener('click', () =>
    download(app.trainer.exportNpz(app.testAccuracy), 'mnist-logreg-model.npz'),
  );
  $('model-input').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (file) importModel(new Uint8Array(await file.arrayBuffer()), file.name);
  });
  linkSettingsToUrl(view.form, $('copy-link-button'), showNotice);
  acceptFiles({ input: $('file-input'), zone: $('drop-zone') }, useData, (message) =>
    showError($('data-error'), message),
  );

  try {
    const [core, response] = await Promise.all([loadCore(), fetch(defaultDataUrl)]);
    if (!response.ok) throw new Error(`the bundled data could not be fetched (HTTP ${response.status})`);
    app.core = core;
    useData({ name: BUNDLED_NAME, bytes: new Uint8Array(await response.arrayBuffer()) });
    restoreKeptModel();
  } catch (error) {
    showError($('data-error'), `The demo could not start: ${messageOf(error)}`);
  }
}

boot();
