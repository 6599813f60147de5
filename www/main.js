// The page's wiring: makes the views, the inputs and the session, and connects them. The session
// (session/) holds the state and talks to the wasm core; render.js draws its state into the views (views/);
// the inputs (input/) turn what the visitor does into calls on the session.
import defaultDataUrl from '../data/mini_mnist.npz?url';
// uPlot's styles with the page's: the charts' script comes later, and a style sheet arriving then would
// restyle the page that is already painted.
import 'uplot/dist/uPlot.min.css';
import { loadCore, messageOf } from './core.js';
import { download } from './dom/download.js';
import { afterFirstPaint } from './dom/first-paint.js';
import { whenSeen } from './dom/in-view.js';
import { ensureValidLanguage } from './dom/language.js';
import { installHooks, markUsable } from './hooks.js';
import { DigitInput } from './input/digit-input.js';
import { acceptDrops, pickFiles } from './input/files.js';
import { SettingsForm } from './input/settings-form.js';
import { listenForDigitKeys } from './input/teach-keys.js';
import { shareOnClick } from './input/share-button.js';
import { linkSettingsToUrl } from './input/url-settings.js';
import { workOffline } from './offline.js';
import { PageRenderer } from './render.js';
import { IdleStraightening } from './session/idle-straightening.js';
import { Session } from './session/session.js';
import { showText } from './dom/show-text.js';
import { openSharedModel, takeSharedFragment } from './session/sharing.js';
import { CorrectionsView } from './views/corrections-view.js';
import { DataView } from './views/data-view.js';
import { lazyView } from './views/lazy-view.js';
import { PredictionView } from './views/prediction-view.js';
import { TeachView } from './views/teach-view.js';
import { TestResultsView } from './views/test-results-view.js';
import { TrainingView } from './views/training-view.js';
import { WeightsView } from './views/weights-view.js';
import { WhyView } from './views/why-view.js';

const BUNDLED_NAME = 'Bundled mini-MNIST';
const $ = (id) => document.getElementById(id);
/** Resolves at the first click on any of `buttons`. */
const firstClick = (...buttons) =>
  new Promise((resolve) => buttons.forEach((button) => button.addEventListener('click', resolve, { once: true })));

const settings = new SettingsForm($('settings'));
let idleStraightening = null;
const session = new Session((state, changes) => {
  renderer.render(state, changes);
  idleStraightening?.consider(state);
}, (options) => settings.describe(options));
idleStraightening = new IdleStraightening(session);
const { queries } = session;
const views = {
  settings,
  training: new TrainingView({
    page: document.body,
    buttons: { train: $('train-button'), pause: $('pause-button'), reset: $('reset-button'), save: $('export-button') },
    progress: $('progress'),
    progressText: $('progress-text'),
    figures: {
      testAccuracy: $('stat-test-accuracy'),
      trainAccuracy: $('stat-train-accuracy'),
      loss: $('stat-loss'),
      speed: $('stat-speed'),
    },
    error: $('train-error'),
    notice: $('model-notice'),
    comparison: $('compare-result'),
    curvesNote: $('curves-note'),
    drawings: $('drawings-included'),
    confirmReset: { panel: $('reset-confirm'), text: $('reset-confirm-text'), confirm: $('reset-confirm-button') },
  }),
  data: new DataView({
    summary: $('data-summary'),
    counts: $('class-counts'),
    notice: $('data-notice'),
    error: $('data-error'),
    loading: { line: $('data-loading'), text: $('data-loading-text'), bar: $('data-loading-bar') },
  }),
  // uPlot is the page's largest script, and the charts are empty until training starts: loaded after the
  // first paint, once they are on screen or training starts (on a phone they are further down).
  charts: lazyView(
    () =>
      afterFirstPaint()
        .then(() => Promise.race([whenSeen($('charts-panel')), firstClick($('train-button'), $('train-now-button'))]))
        .then(() => {
          ensureValidLanguage();
          return import('./views/charts.js');
        })
        .then(({ LearningCharts }) => () => new LearningCharts($('loss-chart'), $('accuracy-chart'))),
    ['show'],
    (error) => session.update({ trainError: `The learning curves could not be shown: ${messageOf(error)}` }),
  ),
  prediction: new PredictionView({
    text: $('prediction-text'),
    source: $('prediction-source'),
    bars: $('probabilities'),
    seen: $('seen'),
    seenCaption: $('seen-caption'),
    trainNow: $('train-now-button'),
  }),
  why: new WhyView({
    details: $('why'),
    hint: $('why-hint'),
    body: $('why-body'),
    pictures: [$('why-predicted'), $('why-runner-up')],
    captions: [$('why-predicted-caption'), $('why-runner-up-caption')],
    text: $('why-text'),
  }),
  teach: new TeachView(
    { group: $('teach'), buttons: $('teach-buttons'), status: $('teach-status') },
    (digit) => session.teach(digit),
    () => session.undoLesson(),
  ),
  corrections: new CorrectionsView(
    { panel: $('corrections'), title: $('corrections-title'), list: $('corrections-list') },
    (index) => session.forgetCorrection(index),
  ),
  weights: new WeightsView($('templates'), $('template-caption')),
  results: new TestResultsView(
    { matrix: $('confusion'), gallery: $('mistakes'), summary: $('results-summary') },
    (index, label) => showTestImage(index, label),
  ),
};
// The pictures themselves, not their cards: a card whose heading alone peeks in at the bottom of the screen
// (the weights', on a desktop) is not worth redrawing while training.
const pictures = { weights: $('templates'), results: document.querySelector('#results-panel .results-row') };
const renderer = new PageRenderer(views, queries, pictures);

const digit = new DigitInput(
  $('pad'),
  (image) => queries.preprocess(image),
  (drawn) => session.showDigit(drawn),
  (error) => session.update({ trainError: messageOf(error) }),
);

/** Shows test sample `index` (a `label`) in the prediction panel, in place of the drawing. */
function showTestImage(index, label) {
  const pixels = queries.testImage(index);
  if (!pixels) return;
  digit.showTestImage(pixels, `Test image ${index}, labelled ${label}. Draw on the pad to go back.`);
  bringIntoView($('draw-panel'));
}

/** Calls `action` with the form's options; when a field is invalid, says which in `errorKey` of the state instead. */
function withOptions(errorKey, action) {
  const { options, error, input } = settings.read();
  session.update({ [errorKey]: error ?? '' });
  input?.focus();
  if (options) action(options);
}

function wireControls() {
  $('clear-button').addEventListener('click', () => digit.clear());
  $('train-button').addEventListener('click', () =>
    withOptions('trainError', (options) => {
      session.train(options, { compare: settings.compare, pace: settings.pace });
      bringIntoView($('charts-panel'));
    }),
  );
  $('pause-button').addEventListener('click', () => session.togglePause());
  $('reset-button').addEventListener('click', () => withOptions('trainError', (options) => session.reset(options)));
  $('reset-confirm-button').addEventListener('click', () =>
    withOptions('trainError', (options) => session.reset(options, true)),
  );
  $('reset-cancel-button').addEventListener('click', () => {
    session.update({ confirmingReset: false });
    $('reset-button').focus();
  });
  // Someone who came to draw gets a model in a second or two: the best settings, at full speed.
  $('train-now-button').addEventListener('click', () => {
    settings.usePreset('best');
    withOptions('trainError', (options) => session.train(options, { pace: 'full' }));
  });
  listenForDigitKeys($('pad'), (digit) => session.teach(digit));
  $('export-button').addEventListener('click', () => {
    const bytes = queries.exportModel();
    if (bytes) download(bytes, 'mnist-logreg-model.npz');
  });
  const openFile = (file) => withOptions('dataError', (options) => session.openFile(file, options));
  const showDataError = (message) => session.update({ dataError: message });
  pickFiles($('file-input'), openFile, showDataError);
  acceptDrops($('drop-zone'), openFile, showDataError);
  pickFiles(
    $('model-input'),
    (file) => session.importModel(file.bytes, file.name, { errorKey: 'trainError' }),
    (message) => session.update({ trainError: message }),
  );
  // What Share and Copy link did is said beside them, where the visitor is looking.
  const sayBeside = (text) => {
    showText($('model-status'), text);
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    $('model-status').scrollIntoView({ block: 'nearest', behavior: smooth ? 'smooth' : 'auto' });
  };
  shareOnClick($('share-button'), session, sayBeside);
  return linkSettingsToUrl(settings, $('copy-link-button'), sayBeside);
}

/**
 * Scrolls `element` into view when less than its top 300 px is on screen (on a phone, the curves are below
 * Train); on a screen where it is in view already, nothing moves.
 */
function bringIntoView(element) {
  const { top } = element.getBoundingClientRect();
  const visible = Math.min(window.innerHeight - top, element.offsetHeight);
  if (top < 0 || visible < Math.min(300, element.offsetHeight)) {
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    element.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  }
}

async function boot() {
  renderer.render(session.state); // the page while it loads
  const shared = takeSharedFragment(); // a model shared in a link, opened once the page has started
  const linked = wireControls();
  await afterFirstPaint();
  try {
    const [core, response] = await Promise.all([loadCore(), fetch(defaultDataUrl)]);
    if (!response.ok) throw new Error(`the bundled data could not be fetched (HTTP ${response.status})`);
    installHooks(session, core);
    settings.usePresets(core.presets());
    const bundled = { name: BUNDLED_NAME, bytes: new Uint8Array(await response.arrayBuffer()) };
    withOptions('dataError', async (options) => {
      if (!(await session.start(core, bundled, options, linked))) return;
      if (shared !== null) await openSharedModel(session, shared);
      markUsable();
    });
  } catch (error) {
    session.update({ dataError: `The demo could not start: ${messageOf(error)}` });
  }
}

boot();
workOffline();
