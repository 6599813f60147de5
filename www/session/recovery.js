// What the page does when the core fails (a trap, a broken object): it replaces the broken trainer with a
// fresh one on the same data, brings back the kept model if there is one, and says what happened. Rare, so
// the data set is read in one go here (a long task for a large file) rather than in slices.
import { messageOf } from '../core.js';

/** Restarts `session`'s core on the same data after `session.state.failure`. */
export function recover(session) {
  const { failure, data, options, loop, twin } = session.state;
  loop?.dispose();
  try {
    twin?.free();
  } catch {
    // broken too
  }
  // The broken trainer is dropped, not freed: it cannot be used at all.
  session.update({ trainer: null, twin: null, loop: null, failure: null, loading: null });
  if (!data) {
    session.update({ failure, dataError: `The demo could not start: ${messageOf(failure)}` });
    return;
  }
  let trainer;
  try {
    trainer = session.core.Trainer.fromNpz(data.bytes, options); // not guarded: failing again, the page gives up
  } catch (again) {
    session.update({
      failure: again,
      phase: 'loading', // nothing left to train or reset
      trainError: `The model stopped working and could not be restarted: ${messageOf(again)}. Reload the page.`,
    });
    return;
  }
  session.adopt(trainer, options);
  session.restoreKeptModel(); // should the kept model break the core again, it is forgotten and this runs again
  session.update({
    trainError: `The model stopped working (${messageOf(failure)}). The page started it again on the same data.`,
  });
}
