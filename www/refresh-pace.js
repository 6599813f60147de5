// How often the page redraws while a run trains. Every redraw costs a repaint (and on a slow phone a layout,
// paint and commit of tens of milliseconds) that training would otherwise use.

export const MAX_DRAWING_SHARE = 0.1; // while training, drawing a figure takes at most this share of the time
// A run at the watching pace: the curves form before the visitor's eyes, ten refreshes a second.
const WATCHED = { gap: 100, share: MAX_DRAWING_SHARE };
// A run at full speed: every refresh is training time lost. The charts still move five times a second on a
// fast computer, where half as many refreshes left training two points more of the time; on a slow phone,
// where a refresh costs 50–70 ms, they take at most a twentieth of the time (BENCHMARKS.md#slow-phones).
const FULL_SPEED = { gap: 200, share: MAX_DRAWING_SHARE / 2 };

/** The least time between two refreshes of a run's figures and charts, and the most of the time they take. */
export const refreshPace = (paced) => (paced ? WATCHED : FULL_SPEED);

/**
 * A clock for a pace: `due()` says whether `ms` have passed since it last said yes, or longer when what it
 * paces was told (`took(cost)`) to cost more than MAX_DRAWING_SHARE of that: a slow phone redraws less
 * often. `due({ gap, share })` asks for another gap and share. `now` reads the time (the page's by default).
 */
export function every(ms, now = () => performance.now()) {
  let [last, cost] = [-Infinity, 0];
  return {
    due({ gap = ms, share = MAX_DRAWING_SHARE } = {}) {
      const at = now();
      if (at - last < Math.max(gap, cost / share)) return false;
      last = at;
      return true;
    },
    took(spent) {
      cost = spent;
    },
  };
}
