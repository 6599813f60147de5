// Comparing training options, for the form (which preset it holds) and the session (whether a run or a kept
// model was made with the same settings).

/** Whether two sets of options are the same settings: every option of `a` has the same value in `b`. */
export const sameOptions = (a, b) => Boolean(a && b) && Object.keys(a).every((name) => a[name] === b[name]);
