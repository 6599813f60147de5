// Compare mode: a second trainer with the other softmax trains on the same batches as the run, so that the
// page can overlay both curves. It is read in slices like a data set, so the page goes on meanwhile.
import { isRefusal, messageOf } from '../core.js';
import { loadInSlices } from './loading.js';

/**
 * A new, untrained trainer on `data` with `options` that also trains on `trainer`'s drawings, so that its
 * training set, and with the same seed and batch size its batches, are those of `trainer`'s run. Read in
 * slices (`handlers` as `loadInSlices` takes them); resolves to null when cancelled.
 */
async function trainerWithDrawingsOf(core, data, options, trainer, handlers) {
  const other = await loadInSlices(core, data.bytes, options, handlers);
  if (other && trainer.correctionLabels().length > 0) {
    // The drawings come with a saved model; begun again, the model is untrained and the drawings stay.
    other.importNpz(trainer.exportNpz());
    other.restart(options);
  }
  return other;
}

/**
 * Makes `session`'s second trainer, then calls `start(twin)` to train both; nothing starts if the run is
 * replaced or the core fails meanwhile. No Train or Reset while it is made.
 */
export function trainBeside(session, options, start) {
  const { trainer, data } = session.state;
  const softmax = options.softmax === 'row' ? 'batch' : 'row';
  const stillHere = () => session.state.trainer === trainer && !session.state.failure;
  session.update({ phase: 'loading' });
  trainerWithDrawingsOf(session.core, data, { ...options, softmax }, trainer, {
    onProgress: session.showsProgressOf(data.name),
    cancelled: () => !stillHere(),
  }).then(
    (twin) => {
      if (!twin || !stillHere()) {
        twin?.free();
        return;
      }
      session.update({ phase: 'ready', loading: null });
      start(twin);
    },
    (error) => {
      if (!isRefusal(error)) session.coreFailed(error);
      else session.update({ phase: 'ready', loading: null, trainError: messageOf(error) });
    },
  );
}
