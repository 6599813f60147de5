// The session: the data set and the trainer in use, their runs, saved and kept models, and what the page
// does when the core fails. It owns all the page's state (state.js) and never touches the page: every
// change goes through `update`, which hands the state to the `render` callback it was given.
import { isRefusal, messageOf } from '../core.js';
import { importedText, taughtText } from '../page-text.js';
import { trainBeside } from './compare.js';
import { correctionsOf } from './corrections.js';
import { Curves } from './curves.js';
import { loadInSlices, straightenInSlices } from './loading.js';
import { forgetModel, keepModel, keptModel } from './model-store.js';
import { recover } from './recovery.js';
import { runHandlers } from './run-handlers.js';
import { canTeach, initialState } from './state.js';
import { TrainingLoop } from './training-loop.js';

/** Whether two sets of options train alike. */
const sameOptions = (a, b) => Boolean(b) && Object.keys(a).every((name) => a[name] === b[name]);

export class Session {
  /** @param {(state: object) => void} render draws the state; called after every change */
  constructor(render) {
    this.render = render;
    this.core = null;
    this.state = initialState();
    this.loadingNow = null; // the data set being read, until it is taken (a newer one replaces it)
  }

  /** The one way the state changes: merges `changes` into it, then draws it. */
  update(changes) {
    Object.assign(this.state, changes);
    this.render(this.state);
  }

  /**
   * Calls the core. A refusal (the core's FileError, ConfigError, DrawingError or InputError) is thrown on
   * for the caller to show; anything else is the core failing, and gives undefined while the page restarts
   * it, as does every call until then.
   */
  guard(call) {
    if (this.state.failure) return undefined;
    try {
      return call();
    } catch (error) {
      if (isRefusal(error)) throw error;
      this.coreFailed(error);
      return undefined;
    }
  }

  /** Calls the run's trainer through `guard`: undefined while there is none. */
  read(call) {
    const { trainer } = this.state;
    return trainer ? this.guard(() => call(trainer)) : undefined;
  }

  /** Notes the core's failure; the restart comes once the task that met it has ended. */
  coreFailed(error) {
    if (this.state.failure) return;
    this.update({ failure: error });
    queueMicrotask(() => recover(this));
  }

  /** Starts on `data` (the bundled data set) with `options`, and brings back the kept model; resolves to whether it did. */
  async start(core, data, options) {
    this.core = core;
    if (!(await this.useData(data, options))) return false;
    this.restoreKeptModel();
    return true;
  }

  /** A file picked or dropped as data: a saved model is loaded as a model, anything else as a data set. */
  async openFile(file, options) {
    const kind = this.guard(() => this.core.fileKind(file.bytes));
    if (kind === 'model') this.importModel(file.bytes, file.name, 'dataError');
    else if (kind !== undefined) await this.useData(file, options);
  }

  /**
   * Takes a data set ({ name, bytes }), read in slices while the page goes on (`loading` says how far);
   * resolves to whether it was taken. A refused file leaves the data and the model as they were; a file
   * given while another loads replaces it.
   */
  async useData(data, options) {
    const attempt = {};
    this.loadingNow = attempt;
    let trainer;
    try {
      trainer = await loadInSlices(this.core, data.bytes, options, {
        onProgress: this.showsProgressOf(data.name),
        cancelled: () => this.loadingNow !== attempt || Boolean(this.state.failure),
      });
    } catch (error) {
      if (!isRefusal(error)) this.coreFailed(error);
      else this.update({ loading: null, dataError: `${data.name} was not loaded. ${messageOf(error)}` });
      return false;
    }
    if (!trainer) return false; // replaced by a newer file, or the core failed meanwhile
    this.loadingNow = null;
    const info = this.guard(() => trainer.datasetInfo());
    if (!info) return false;
    this.adopt(trainer, options, { data, info, dataError: '', loading: null });
    return true;
  }

  /** A handler that shows how far sliced work on data set `name` has got (`loading` in the state). */
  showsProgressOf(name) {
    return (progress) => this.update({ loading: { name, ...progress } });
  }

  /**
   * Straightens the data set before a run that deskews starts, in slices (once per data set: the trainer
   * keeps it). True at once when there is nothing to do; otherwise a promise of whether it was done (not
   * when the run was replaced or the core failed meanwhile).
   */
  straightenFor(options) {
    const { trainer, phase } = this.state;
    if (!options.deskew || (this.read((t) => t.straightenUntil(0)) ?? 1) >= 1) return true;
    this.update({ phase: 'loading' }); // no Train or Reset meanwhile
    return straightenInSlices(trainer, {
      onProgress: this.showsProgressOf(this.state.data.name),
      cancelled: () => this.state.trainer !== trainer || Boolean(this.state.failure),
    }).then(
      (done) => {
        if (done) this.update({ phase, loading: null });
        return done;
      },
      (error) => {
        this.coreFailed(error);
        return false;
      },
    );
  }

  /** Takes `trainer` (a new one, or the current one restarted) made with `options` as the run. */
  adopt(trainer, options, changes = {}) {
    const { loop, twin, trainer: previous } = this.state;
    loop?.pause();
    if (previous && previous !== trainer) this.guard(() => previous.free());
    if (twin) this.guard(() => twin.free());
    const progress = this.guard(() => trainer.progress());
    const deskews = this.guard(() => trainer.config().deskew);
    if (!progress || deskews === undefined) return;
    this.update({
      ...changes,
      phase: 'ready',
      trainer,
      options,
      deskews,
      corrections: this.correctionsOf(trainer),
      taught: '',
      confirmingReset: false,
      twin: null,
      loop: null,
      progress: null,
      imported: false,
      revision: this.state.revision + 1,
      testAccuracy: undefined,
      trainAccuracy: undefined,
      samplesPerSecond: 0,
      curves: new Curves(progress.batchesPerEpoch, options.epochs),
      notice: '',
      comparison: '',
    });
  }

  /**
   * Loads a model file (from `exportNpz`) into the current run; false when it is refused, which leaves
   * everything as it was and says why in `errorKey` ('dataError' or 'trainError'; none to stay quiet).
   */
  importModel(bytes, name, errorKey) {
    let saved;
    try {
      saved = this.read((trainer) => trainer.importNpz(bytes)); // checks the whole file before it replaces the model
    } catch (refusal) {
      if (errorKey) this.update({ [errorKey]: `${name} was not loaded. ${messageOf(refusal)}` });
      return false;
    }
    if (!saved) return false;
    this.adopt(this.state.trainer, this.state.options);
    const evaluation = this.read((trainer) => trainer.evaluate());
    if (!evaluation) return false;
    this.update({
      ...(errorKey && { [errorKey]: '' }),
      imported: true,
      revision: this.state.revision + 1,
      testAccuracy: evaluation.testAccuracy,
      trainAccuracy: evaluation.trainAccuracy,
      notice: importedText(name, saved.config, evaluation.testAccuracy),
    });
    return true;
  }

  /** Brings back the model trained in this browser last time, if it fits the data in use. */
  restoreKeptModel() {
    const kept = keptModel();
    const { data, info } = this.state;
    if (!kept || kept.dataName !== data.name || kept.features !== info.features) return;
    if (!this.importModel(kept.npz, 'the model you trained last time')) forgetModel();
  }

  /**
   * A fresh, untrained run with `options`; false when they are refused. An untouched trainer made with the
   * same options is reused unless `force` is set.
   */
  freshRun(options, force = false) {
    const { phase, progress, imported, trainer } = this.state;
    if (!trainer) return false;
    const untouched = phase === 'ready' && !progress && !imported && sameOptions(options, this.state.options);
    if (untouched && !force) return true;
    try {
      this.guard(() => trainer.restart(options)); // the same data, decoded once
    } catch (refusal) {
      this.update({ trainError: messageOf(refusal) });
      return false;
    }
    if (this.state.failure) return false; // the core failed: the page is restarting it
    this.adopt(trainer, options);
    return true;
  }

  /**
   * Back to an untrained model with `options`. A deliberate reset also forgets the kept model and the
   * visitor's drawings; when there are drawings, it waits for the visitor to confirm (`confirmed`) first.
   */
  reset(options, confirmed = false) {
    const drawings = this.state.corrections.length;
    if (drawings > 0 && !confirmed) {
      this.update({ confirmingReset: true });
      return;
    }
    const straightened = this.straightenFor(options);
    if (straightened !== true) {
      straightened.then((done) => done && this.reset(options, true));
      return;
    }
    if (!this.freshRun(options, true)) return;
    forgetModel();
    if (drawings > 0) {
      // The run just begun holds the drawings in its training set: it begins again without them.
      this.guard(() => this.state.trainer.clearCorrections());
      this.freshRun(options, true);
    }
  }

  /** Trains a fresh run with `options`; with `compare`, the other softmax trains alongside on the same batches. */
  train(options, compare) {
    const straightened = this.straightenFor(options);
    if (straightened !== true) {
      straightened.then((done) => done && this.train(options, compare));
      return;
    }
    if (!this.freshRun(options)) return;
    if (compare) trainBeside(this, options);
    else this.run(options, null);
  }

  /** Starts the run's training loop; `twin`, when given, trains the other softmax on the same batches. */
  run(options, twin) {
    const { trainer } = this.state;
    const curves = new Curves(this.state.curves.batchesPerEpoch, options.epochs, Boolean(twin));
    const loop = this.guard(() => new TrainingLoop(trainer, runHandlers(this, curves, options), twin));
    if (!loop) return;
    this.update({ phase: 'running', loop, twin, curves });
    this.guard(() => loop.start(options));
  }

  /**
   * Keeps the model (a finished run's, or one just taught) with the visitor's drawings for the next visit,
   * once the page is on screen (storage can take a frame).
   */
  keepModel() {
    const { data, info, testAccuracy } = this.state;
    const npz = this.read((trainer) => trainer.exportNpz(testAccuracy));
    if (!npz) return;
    setTimeout(() => {
      if (!keepModel(npz, { dataName: data.name, features: info.features, testAccuracy })) {
        this.update({ notice: 'This browser would not keep the model; save it as a file to keep it.' });
      }
    });
  }

  togglePause() {
    const { phase, loop } = this.state;
    if (phase === 'running') {
      loop.pause();
      this.update({ phase: 'paused' });
    } else if (phase === 'paused') {
      this.update({ phase: 'running' });
      loop.resume();
    }
  }

  /** The model as an .npz file's bytes (with its test accuracy when known). */
  exportModel() {
    return this.read((trainer) => trainer.exportNpz(this.state.testAccuracy));
  }

  /** Shows `digit` ({ pixels, source, fromPad }) in the prediction panel; what teaching did was about the last. */
  showDigit(digit) {
    this.update({ digit, taught: '' });
  }

  /**
   * Teaches the model that the drawing on the pad is the digit `label`, when it may be taught (see
   * `canTeach`). The model keeps the drawing as a correction; a refusal is shown and changes nothing.
   */
  teach(label) {
    if (!canTeach(this.state)) return;
    const { pixels } = this.state.digit;
    let lesson;
    try {
      lesson = this.read((trainer) => trainer.teach(pixels, label));
    } catch (refusal) {
      this.update({ taught: messageOf(refusal) });
      return;
    }
    const evaluation = lesson && this.read((trainer) => trainer.evaluate()); // the figures, after the lesson
    if (!evaluation) return;
    this.update({
      taught: taughtText(lesson, label),
      revision: this.state.revision + 1,
      testAccuracy: evaluation.testAccuracy,
      trainAccuracy: evaluation.trainAccuracy,
      corrections: this.correctionsOf(this.state.trainer),
    });
    this.keepModel();
  }

  /** Forgets the visitor's drawing `index`: runs that begin later do not train on it (the model stays). */
  forgetCorrection(index) {
    const { trainer, phase } = this.state;
    try {
      this.guard(() => trainer.removeCorrection(index));
    } catch (refusal) {
      this.update({ taught: messageOf(refusal) });
      return;
    }
    this.update({ corrections: this.correctionsOf(trainer), confirmingReset: false });
    // A run that has not finished is kept when it does, with the drawings as they are then.
    if (phase === 'ready' || phase === 'done') this.keepModel();
  }

  /** The visitor's drawings `trainer` holds (none while the core is failing). */
  correctionsOf(trainer) {
    return this.guard(() => correctionsOf(trainer)) ?? [];
  }

  /** The drawing pad's RGBA `image` as the model's input (undefined for a blank pad); throws a DrawingError. */
  preprocess(image) {
    return this.core && this.guard(() => this.core.preprocessDigit(image.data, image.width, image.height));
  }

  /** `pixels` as the model reads them: straightened when it deskews. */
  modelInput(pixels) {
    return this.read((trainer) => trainer.modelInput(pixels));
  }

  /** Why the model reads `pixels` as it does: each pixel's part in the top two digits' scores. */
  evidence(pixels) {
    return this.read((trainer) => trainer.evidence(pixels));
  }

  /** The 10 class probabilities of `pixels` under the current model. */
  predict(pixels) {
    return this.read((trainer) => trainer.predict(pixels));
  }

  /** The model's weights, K×(D+1) row-major, first column the bias. */
  weights() {
    return this.read((trainer) => trainer.weights());
  }

  /** The model's reading of every test sample: { predictions, labels }. */
  testResults() {
    const predictions = this.read((trainer) => trainer.testPredictions());
    const labels = this.read((trainer) => trainer.testLabels());
    return predictions && labels && { predictions, labels };
  }

  /** The pixels of test sample `index`. */
  testImage(index) {
    return this.read((trainer) => trainer.testImage(index));
  }
}
