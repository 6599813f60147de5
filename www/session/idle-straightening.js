// Straightens the data set while the page is idle, an idle period at a time, so that a run that deskews
// (the best preset, or *Train now* beside the pad) begins at once instead of straightening first: about a
// tenth of a second of work on a laptop, a second or more on a slow phone. Only in idle time, and only while
// the page is ready or done: nothing waits for it, and it stops whenever anything else happens.

// An idle callback works through the idle time it is given: the browser gives one callback per idle period
// (up to 50 ms), so slices of a few milliseconds used a fifth of it (on a slow phone straightening then took
// several seconds of idle time). At most MAX_SLICE_MS, with a batch of images past it still under a long task's
// 50 ms: a tap then waits less than that.
const MAX_SLICE_MS = 40;
const FALLBACK_SLICE_MS = 8; // where there are no idle callbacks: a timer's slice
const IDLE_STATES = ['ready', 'done'];

/** requestIdleCallback, or where an engine lacks it (WebKit), a timer that leaves the page alone a while. */
const whenIdle = (callback) =>
  globalThis.requestIdleCallback
    ? globalThis.requestIdleCallback(callback, { timeout: 2000 })
    : setTimeout(() => callback({ timeRemaining: () => FALLBACK_SLICE_MS }), 100);

export class IdleStraightening {
  /** @param {object} session the page's Session: its state, and `read(call)` to reach its trainer */
  constructor(session) {
    this.session = session;
    this.waiting = false;
    this.straightened = new WeakSet(); // trainers whose data set is straightened
  }

  /** Called with every state of the session: asks for idle time if there is straightening left to do. */
  consider(state) {
    if (this.waiting || !IDLE_STATES.includes(state.phase) || !state.trainer) return;
    if (this.straightened.has(state.trainer)) return;
    this.waiting = true;
    whenIdle((idle) => {
      this.waiting = false;
      this.slice(idle);
    });
  }

  slice(idle) {
    const { state } = this.session;
    if (!IDLE_STATES.includes(state.phase) || !state.trainer) return;
    const until = performance.now() + Math.max(1, Math.min(MAX_SLICE_MS, idle.timeRemaining()));
    const fraction = this.session.read((trainer) => trainer.straightenUntil(until));
    if (fraction === undefined) return; // the core failed: the page restarts it
    if (fraction >= 1) this.straightened.add(state.trainer);
    else this.consider(state);
  }
}
