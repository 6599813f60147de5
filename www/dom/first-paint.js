// The first paint before anything heavy: a fetch started earlier can hold it up (it competes for the network
// and the main thread), and on a slow phone the page would stay blank while the data set downloads.

/**
 * Resolves once the page's first frame has been painted (the task after the next animation frame), or
 * after `atMostMs` in a tab that draws no frames (a background tab).
 */
export function afterFirstPaint(atMostMs = 100) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, atMostMs);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}
