// Compare mode: a second run with the other softmax beside the visitor's, so the page can overlay both
// curves. The core makes it from the run's own data set, straightened copy and drawings (nothing is read
// again), with the same seed and batch size, so both train on the same batches.
import { messageOf } from '../core.js';

/** The twin of `session`'s run with the other softmax; null, with the reason shown, when it is refused. */
export function twinOf(session, options) {
  const softmax = options.softmax === 'row' ? 'batch' : 'row';
  try {
    return session.read((trainer) => trainer.twin({ ...options, softmax })) ?? null;
  } catch (refusal) {
    session.update({ trainError: messageOf(refusal) });
    return null;
  }
}
