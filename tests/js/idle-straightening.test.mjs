// The data set is straightened in idle time while the page is ready or done, and never while it trains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundled, core, pageModule } from './common.mjs';

const { IdleStraightening } = await pageModule('session/idle-straightening.js');

// Idle callbacks wait in `idle` until run, each given 5 ms of idle time.
const idle = [];
globalThis.requestIdleCallback = (callback) => idle.push(callback);
const runIdle = () => idle.splice(0).forEach((callback) => callback({ timeRemaining: () => 5 }));

/** A session as IdleStraightening sees it: a state and `read`, over a real trainer on the bundled digits. */
function sessionWith(phase) {
  const trainer = core.Trainer.fromNpz(bundled, {});
  return { state: { phase, trainer }, read: (call) => call(trainer), trainer };
}

test('idle time straightens the whole data set, a slice at a time, while the page is ready', () => {
  const session = sessionWith('ready');
  const straightening = new IdleStraightening(session);
  straightening.consider(session.state);
  straightening.consider(session.state);
  assert.equal(idle.length, 1, 'one request for idle time at once');
  let slices = 0;
  while (idle.length > 0) {
    runIdle();
    slices += 1;
  }
  assert.ok(slices > 1, `in slices (${slices})`);
  assert.equal(session.trainer.straightenUntil(0), 1, 'all straightened');
  straightening.consider(session.state);
  assert.equal(idle.length, 0, 'nothing more to do for this trainer');
  // A run that deskews now begins with nothing left to straighten.
  session.trainer.restart({ deskew: true });
  assert.equal(session.trainer.config().deskew, true);
  session.trainer.free();
});

test('idle straightening waits while the page trains or loads, and goes on once it is done', () => {
  const session = sessionWith('running');
  const straightening = new IdleStraightening(session);
  straightening.consider(session.state);
  assert.equal(idle.length, 0, 'not while training');
  session.state.phase = 'done';
  straightening.consider(session.state);
  session.state.phase = 'loading'; // the visitor opened a file before the idle time came
  runIdle();
  assert.ok(session.trainer.straightenUntil(0) < 1, 'nothing straightened while loading, but the one slice asked here');
  assert.equal(idle.length, 0, 'and no more idle time asked');
  session.trainer.free();
});

test('an idle callback straightens for the idle time it is given, up to 40 ms, not a fixed few milliseconds', () => {
  const asked = []; // how long each slice was allowed to run
  const trainer = { straightenUntil: (until) => (asked.push(until - performance.now()), 0.5) };
  const session = { state: { phase: 'done', trainer }, read: (call) => call(trainer) };
  const straightening = new IdleStraightening(session);
  for (const remaining of [30, 50, 0]) {
    straightening.consider(session.state);
    idle.splice(0).forEach((callback) => callback({ timeRemaining: () => remaining }));
  }
  assert.equal(asked.length, 3);
  assert.ok(asked[0] > 29 && asked[0] <= 30, `given 30 ms: ${asked[0]}`);
  assert.ok(asked[1] > 39 && asked[1] <= 40, `given 50 ms, at most 40: ${asked[1]}`);
  assert.ok(asked[2] > 0.9 && asked[2] <= 1, `given none, a millisecond still: ${asked[2]}`);
});
