// The visitor's drawings a trainer holds (its corrections, taught with `teach`), read out for the page. This
// calls the core: the session calls it in its guard.

/** The drawings `trainer` holds: { label, pixels }, oldest first. */
export function correctionsOf(trainer) {
  return Array.from(trainer.correctionLabels(), (label, index) => ({ label, pixels: trainer.correctionImage(index) }));
}
