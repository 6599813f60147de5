// How often the page redraws a run's figures and charts while it trains (www/refresh-pace.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageModule } from './common.mjs';

const { every, refreshPace, MAX_DRAWING_SHARE } = await pageModule('refresh-pace.js');

/** A clock of `ms` read at the times the test sets in `clock.at`. */
function clockOf(ms) {
  const clock = { at: 0 };
  clock.pace = every(ms, () => clock.at);
  return clock;
}

/** At which of `times` the clock says yes, asked with `pace` ({ gap, share }, the clock's own if not given). */
function dueAt(clock, times, pace) {
  return times.filter((at) => {
    clock.at = at;
    return clock.pace.due(pace);
  });
}

const gapsOf = (times) => times.slice(1).map((at, i) => at - times[i]);

test('a pace says yes once its gap has passed since it last did', () => {
  const clock = clockOf(100);
  assert.deepEqual(dueAt(clock, [0, 50, 99, 100, 150, 210, 300]), [0, 100, 210]);
});

test('a run at full speed refreshes half as often as a watched one', () => {
  const times = Array.from({ length: 60 }, (_, i) => i * 16.7); // a second of 60-Hz frames
  assert.equal(dueAt(clockOf(0), times, refreshPace(true)).length, 10, 'watched: refreshes a second');
  assert.equal(dueAt(clockOf(0), times, refreshPace(false)).length, 5, 'full speed: refreshes a second');
});

test('a refresh that costs more than its share of the time spaces the refreshes out, more so at full speed', () => {
  const times = Array.from({ length: 500 }, (_, i) => i * 10);
  for (const [paced, share] of [[true, MAX_DRAWING_SHARE], [false, MAX_DRAWING_SHARE / 2]]) {
    const clock = clockOf(100);
    clock.pace.took(60); // a refresh of 60 ms, as on a phone 8× slower
    const gaps = gapsOf(dueAt(clock, times, refreshPace(paced)));
    assert.ok(gaps.length >= 2 && gaps.every((gap) => gap >= 60 / share), `${paced ? 'watched' : 'full speed'}: gaps ${gaps}`);
  }
  const clock = clockOf(100);
  clock.pace.took(60);
  assert.deepEqual(gapsOf(dueAt(clock, times)).slice(0, 2), [600, 600], 'the clock\'s own pace: a tenth of the time');
  clock.pace.took(1); // cheap again: back to the pace asked for
  assert.deepEqual(dueAt(clock, Array.from({ length: 50 }, (_, i) => 5000 + i * 10)).slice(0, 3), [5000, 5100, 5200]);
});
