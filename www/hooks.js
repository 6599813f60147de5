// Hooks for the benchmark (bench/run.mjs) and the browser tests (tests/e2e/), and the only globals the page
// sets. Their names are read there: change them together.
//   window.trainingLoop        the run's TrainingLoop (its `stats`, and its `trainer` for unchunked runs)
//   window.mnistLogreg         { memoryBytes() }: the size of the wasm module's memory
//   performance mark 'usable'  when the bundled data has loaded and Train can be pressed

/** Installs the globals, read from `session` and `core` whenever they are asked for. */
export function installHooks(session, core) {
  Object.defineProperty(window, 'trainingLoop', { get: () => session.state.loop, configurable: true });
  window.mnistLogreg = { memoryBytes: core.memoryBytes };
}

/** Marks the moment the page became usable, for the benchmark's load time. */
export function markUsable() {
  performance.mark('usable');
}
