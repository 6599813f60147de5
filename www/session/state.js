// The session's state: the one object everything the page shows is drawn from. Only `Session.update`
// changes it, and every change is drawn at once (render.js paces what is costly while training runs).
//
// How the views tell what changed: a field is replaced, never changed in place, so comparing it with what
// was drawn last (===) says whether to draw it again. Two exceptions count their changes instead: `curves`
// grows as a run goes (its `revision` counts), and the model inside `trainer` learns (`revision` counts).
import { percent } from '../page-text.js';
import { Curves } from './curves.js';

/** The state before the core and the bundled data have loaded. */
export function initialState() {
  return {
    phase: 'loading', // loading | ready | running | paused | done
    data: null, // { name, bytes } of the data set in use
    info: null, // what the data set holds (the trainer's datasetInfo())
    loading: null, // { name, stage: 'reading' | 'straightening', fraction } while a data set is read or straightened
    options: null, // the options the run was made with: { learningRate, batchSize, epochs, ... }
    trainer: null, // the wasm Trainer of the run
    twin: null, // in compare mode, a Trainer with the other softmax on the same batches
    loop: null, // the TrainingLoop driving the run, once it has started
    progress: null, // the trainer's last step report; null until the run starts
    imported: false, // whether the model was loaded (from a file or kept from last time) rather than trained
    origin: null, // where the model comes from: 'trained' | 'kept' (from last visit) | 'file' | 'shared'; null untrained
    undo: null, // the model's .npz bytes before the last lesson, while that lesson can be undone
    revision: 0, // counts changes of the model, so that what is drawn from it is redrawn only when it changed
    testAccuracy: undefined,
    trainAccuracy: undefined, // the last epoch's mean over its batches, then the whole set's at the end
    samplesPerSecond: 0,
    paced: false, // whether the run trains at the watching pace: slowed on purpose, images/s says so
    curves: new Curves(1, 1), // the learning curves' points
    // What the prediction panel classifies (input/digit-input.js); `drawing` while a stroke goes on.
    digit: { pixels: null, source: '', fromPad: true, drawing: false },
    deskews: false, // whether the model straightens every image before it reads it (its `deskew` option)
    corrections: [], // the visitor's drawings taught to the model, { label, pixels }, oldest first
    taught: '', // what the last teaching did to the drawing on the pad
    confirmingReset: false, // whether Reset waits for the visitor to confirm forgetting their drawings
    dataError: '', // why a file was not loaded
    trainError: '', // why training or the model stopped
    notice: '', // what happened to the model (loaded, not kept, a link copied)
    comparison: '', // what compare mode found
    failure: null, // an error of the core, until the page has restarted it
  };
}

/** Whether the run's model has learned anything: trained for a batch or more, or loaded from a file. */
export const isTrained = (state) => state.imported || Boolean(state.progress && state.progress.totalBatches > 0);

/**
 * Whether the visitor may teach the model what the drawing on the pad is: a trained model that is not
 * training, and a finished drawing (not half a stroke; a test image's digit is known already) the model can
 * read.
 */
export function canTeach(state) {
  const { phase, digit, info } = state;
  const idle = phase === 'ready' || phase === 'done';
  const drawn = digit.fromPad && !digit.drawing && Boolean(digit.pixels);
  return idle && isTrained(state) && drawn && digit.pixels.length === info?.features;
}

/**
 * A word on the charts: why they are empty for a model not trained here, or why the homework's bug makes
 * its loss grow; '' when they need none.
 */
export function curvesNote(state) {
  const { imported, curves, origin, options } = state;
  if (curves.x.length > 1) {
    // Lessons change the model after its run: its figures then are no longer the curves' last points (as
    // the page shows them: the stored curves are rounded).
    const atEnd = curves.testAccuracy.findLast((value) => value !== null);
    const idle = state.phase === 'done' || state.phase === 'ready';
    if (idle && atEnd !== undefined && Number.isFinite(state.testAccuracy) && percent(state.testAccuracy) !== percent(atEnd)) {
      return 'The curves and the loss end with the training run; the accuracies above are the model now, taught since.';
    }
    if (options?.softmax !== 'batch' || curves.compare) return '';
    return (
      "With the homework's bug the loss grows while the accuracy stalls: each image's probabilities are " +
      'divided by a sum over the whole mini-batch, so they no longer add up to one.'
    );
  }
  if (!imported) return '';
  if (origin === 'file') return 'No curves: this model was loaded from a file. Train to draw them.';
  if (origin === 'shared') return 'No curves: this model came in a link. Train to draw them.';
  return 'No curves were kept with this model. Train to draw them.';
}
