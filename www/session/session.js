// The session: the data set and the trainer in use, their runs, saved and kept models, and what the page
// does when the core fails. It owns all the page's state (state.js) and never touches the page: every
// change goes through `update`, which hands the state to the `render` callback it was given.
//
// Its interface, as the page uses it:
// - commands, which change the state: start, openFile, importModel, train, togglePause, reset, showDigit,
//   teach, undoLesson, forgetCorrection, and update for the page's own messages;
// - queries, which read the model and change nothing: `session.queries` (queries.js);
// - the state itself, read-only outside: `session.state`.
// The other methods (guard, read, coreFailed, adopt, run, keepModel, restoreKeptModel, showsProgressOf)
// are for this folder's own modules, which act for the session: recovery.js, run-handlers.js, compare.js.
import { isRefusal, messageOf } from '../core.js';
import { sameOptions } from '../options.js';
import { importedText, keptAsideText, refusedFileText, settingsText, taughtText } from '../page-text.js';
import { twinOf } from './compare.js';
import { correctionsOf } from './corrections.js';
import { Curves } from './curves.js';
import { loadInSlices, straightenInSlices } from './loading.js';
import { forgetModel, keepModel, keptModel } from './model-store.js';
import { ModelQueries } from './queries.js';
import { recover } from './recovery.js';
import { runHandlers } from './run-handlers.js';
import { canTeach, initialState } from './state.js';
import { TrainingLoop, batchesPerSecond } from './training-loop.js';

export class Session {
  /** `render(state, changes)` draws the state after each change; `describeSettings(options)` words them in notices. */
  constructor(render, describeSettings = settingsText) {
    this.render = render;
    this.describeSettings = describeSettings;
    this.core = null;
    this.state = initialState();
    this.loadingNow = null; // the data set being read, until it is taken (a newer one replaces it)
    this.lastLoop = null; // the last run's TrainingLoop: what it measured of this device starts the next run's
    this.queries = new ModelQueries(this); // what is read from the model; the methods here change things
  }

  /** The one way the state changes: merges `changes` into it, then draws it. */
  update(changes) {
    Object.assign(this.state, changes);
    this.render(this.state, changes);
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

  /**
   * Starts on `data` (the bundled data set) with `options`, and brings back the kept model unless `linked`
   * (the page was opened with a link's settings) and it was made with others; resolves to whether it started.
   */
  async start(core, data, options, linked = false) {
    this.core = core;
    if (!(await this.useData(data, options))) return false;
    this.restoreKeptModel(linked ? options : null);
    return true;
  }

  /** A file picked or dropped as data: a saved model is loaded as a model, anything else as a data set. */
  async openFile(file, options) {
    const kind = this.guard(() => this.core.fileKind(file.bytes));
    if (kind === 'model') this.importModel(file.bytes, file.name, { errorKey: 'dataError' });
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
      else this.update({ loading: null, dataError: refusedFileText(data.name, error) });
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
   * keeps it). A promise of whether it is done (not when the run was replaced or the core failed meanwhile).
   */
  async straightenFor(options) {
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
    loop?.dispose();
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
      origin: null,
      undo: null,
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
   * The run takes the settings the file says it was made with, so the form and the address show them.
   * `origin` says where the model comes from ('file', or 'kept' from last visit); `curves` are the learning
   * curves of the run that made it, when they were kept with it.
   */
  importModel(bytes, name, { errorKey = '', origin = 'file', curves = null } = {}) {
    let saved;
    try {
      saved = this.read((trainer) => trainer.importNpz(bytes)); // checks the whole file before it replaces the model
    } catch (refusal) {
      const refused = refusedFileText(name, refusal);
      if (errorKey) this.update({ [errorKey]: errorKey === 'dataError' ? refused : refused.message });
      return false;
    }
    if (!saved) return false;
    this.adopt(this.state.trainer, saved.config ?? this.state.options);
    const evaluation = this.read((trainer) => trainer.evaluate());
    if (!evaluation) return false;
    this.update({
      ...(errorKey && { [errorKey]: '' }),
      ...(curves && { curves }),
      imported: true,
      origin,
      revision: this.state.revision + 1,
      testAccuracy: evaluation.testAccuracy,
      trainAccuracy: evaluation.trainAccuracy,
      notice: importedText(name, saved.config, evaluation.testAccuracy, this.describeSettings),
    });
    return true;
  }

  /**
   * Brings back the model trained in this browser last time, with its curves, if it fits the data in use;
   * not when `unless` (a link's options) differs from the settings it was made with: the link's settings
   * stay in the form, and the kept model stays kept until the visitor trains.
   */
  restoreKeptModel(unless = null) {
    const kept = keptModel();
    const { data, info } = this.state;
    if (!kept || kept.dataName !== data.name || kept.features !== info.features) return;
    if (unless && !sameOptions(unless, kept.options)) {
      this.update({ notice: keptAsideText(kept.testAccuracy) });
      return;
    }
    const curves = Curves.fromJSON(kept.curves);
    if (!this.importModel(kept.npz, 'the model kept from your last visit', { origin: 'kept', curves })) forgetModel();
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
  async reset(options, confirmed = false) {
    const drawings = this.state.corrections.length;
    if (drawings > 0 && !confirmed) {
      this.update({ confirmingReset: true });
      return;
    }
    if (!(await this.straightenFor(options)) || !this.freshRun(options, true)) return;
    forgetModel();
    if (drawings > 0) {
      // The run just begun holds the drawings in its training set: it begins again without them.
      this.guard(() => this.state.trainer.clearCorrections());
      this.freshRun(options, true);
    }
  }

  /**
   * Trains a fresh run with `options` at `pace` ('watch' or 'full'); with `compare`, the other softmax trains
   * alongside on the same batches. The last run's curves stay beside the new ones, faint, until Reset.
   */
  async train(options, { compare = false, pace = 'full' } = {}) {
    const previous = this.state.curves; // the new run's Curves keep what is worth drawing of it
    if (!(await this.straightenFor(options))) return;
    if (!this.freshRun(options)) return;
    const twin = compare ? twinOf(this, options) : null;
    if (compare && !twin) return;
    this.run(options, twin, pace, previous);
  }

  /**
   * Starts the run's training loop at `pace`; `twin`, when given, trains the other softmax on the same
   * batches; `previous`, the curves in use before it, whose run (or, if it never trained, the one before)
   * is drawn beside.
   */
  run(options, twin, pace, previous) {
    const { trainer } = this.state;
    const { batchesPerEpoch } = this.state.curves;
    const curves = new Curves(batchesPerEpoch, options.epochs, Boolean(twin), previous);
    const rate = batchesPerSecond(pace, batchesPerEpoch, options.epochs);
    const loop = this.guard(() => new TrainingLoop(trainer, runHandlers(this, curves, options), twin, rate, this.lastLoop));
    if (!loop) return;
    this.lastLoop = loop;
    this.update({ phase: 'running', loop, twin, curves, origin: 'trained', notice: '', paced: Number.isFinite(rate) });
    this.guard(() => loop.start(options));
  }

  /**
   * Keeps the model (a finished run's, or one just taught) with the visitor's drawings for the next visit,
   * once the page is on screen (storage can take a frame).
   */
  keepModel() {
    const { data, info, testAccuracy, options, curves } = this.state;
    const npz = this.read((trainer) => trainer.exportNpz(testAccuracy));
    if (!npz) return;
    setTimeout(() => {
      const meta = { dataName: data.name, features: info.features, testAccuracy, options, curves: curves.toJSON() };
      if (!keepModel(npz, meta)) {
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

  /**
   * Shows `digit` ({ pixels, source, fromPad, drawing }) in the prediction panel; what teaching did (and its
   * undoing) was about the last.
   */
  showDigit(digit) {
    this.update({ digit, taught: '', undo: null });
  }

  /**
   * Teaches the model that the drawing on the pad is the digit `label`, when it may be taught (see
   * `canTeach`). The model keeps the drawing as a correction; a refusal is shown and changes nothing.
   */
  teach(label) {
    if (!canTeach(this.state)) return;
    const { pixels } = this.state.digit;
    const before = this.read((trainer) => trainer.exportNpz(this.state.testAccuracy)); // for Undo: exactly this model
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
      notice: '', // what was said of the model before the lesson is no longer true of it
      undo: before ?? null,
      revision: this.state.revision + 1,
      testAccuracy: evaluation.testAccuracy,
      trainAccuracy: evaluation.trainAccuracy,
      corrections: this.correctionsOf(this.state.trainer),
    });
    this.keepModel();
  }

  /** Undoes the last lesson: the model and the drawings as they were before it, exactly. */
  undoLesson() {
    const { undo } = this.state;
    if (!undo) return;
    const saved = this.read((trainer) => trainer.importNpz(undo));
    const evaluation = saved && this.read((trainer) => trainer.evaluate());
    if (!evaluation) return;
    this.update({
      taught: 'Undone: the model is as it was before that lesson.',
      undo: null,
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
    // A run is kept when it finishes, with the drawings then; a shared model, once trained or taught.
    if ((phase === 'ready' || phase === 'done') && this.state.origin !== 'shared') this.keepModel();
  }

  /** The visitor's drawings `trainer` holds (none while the core is failing). */
  correctionsOf(trainer) {
    return this.guard(() => correctionsOf(trainer)) ?? [];
  }
}
