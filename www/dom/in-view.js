// Which parts of the page are on screen, so that figures nobody can see are not redrawn while training runs
// (a phone shows one card at a time; a desktop, the weights and results only when scrolled to).

/**
 * Watches `elements`; `isInView(element)` says whether any of it is on screen (true until first known), and
 * `onEnter(element)` runs when one comes into view.
 */
export function watchInView(elements, onEnter) {
  const inView = new Map(elements.map((element) => [element, true]));
  const observer = new IntersectionObserver((entries) => {
    for (const { target, isIntersecting } of entries) {
      const entered = isIntersecting && !inView.get(target);
      inView.set(target, isIntersecting);
      if (entered) onEnter(target);
    }
  });
  elements.forEach((element) => observer.observe(element));
  return { isInView: (element) => inView.get(element) ?? true };
}

/** Resolves the first time any of `element` is on screen (at once, after layout, if it is already). */
export function whenSeen(element) {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(element);
  });
}
