// A view whose code loads later, in a task of its own (uPlot and the charts are the page's largest script,
// not needed for its first paint). Calls made before it arrives are kept, the last of each method, and made
// once it is there.

/** Resolves to what `make()` returns, called in a task of its own. */
const inOwnTask = (make) =>
  new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(make());
      } catch (error) {
        reject(error);
      }
    }),
  );

/**
 * A stand-in for the view `load()` makes: `load` resolves to a function that makes the view, called in a task
 * of its own (loading a module runs its code: both at once would be one long task). It answers `methods`;
 * `onError` hears a view that failed to load (the page goes on without it).
 */
export function lazyView(load, methods, onError) {
  const waiting = new Map();
  let view = null;
  const stand = Object.fromEntries(
    methods.map((name) => [name, (...args) => (view ? view[name](...args) : waiting.set(name, args))]),
  );
  load()
    .then(inOwnTask)
    .then((loaded) => {
      view = loaded;
      for (const [name, args] of waiting) view[name](...args);
      waiting.clear();
    }, onError);
  return stand;
}
