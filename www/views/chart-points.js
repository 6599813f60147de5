// The points a learning chart draws: the run's curves and the previous run's on one x axis, thinned to
// about one point per pixel column. A chart cannot show more, and drawing (or copying) thousands of points
// several times a second is what a slow phone cannot afford while it trains: only the kept points are
// copied.

/**
 * The union of the rising x values `a` and `b`: `x`, and for each of its points the index of the point
 * of `a` (`fromA`) and of `b` (`fromB`) there, -1 where that one has none.
 */
function union(a, b) {
  const [x, fromA, fromB] = [[], [], []];
  for (let i = 0, j = 0; i < a.length || j < b.length; ) {
    const [va, vb] = [a[i] ?? Infinity, b[j] ?? Infinity];
    fromA.push(va <= vb ? i++ : -1);
    fromB.push(vb <= va ? j++ : -1);
    x.push(Math.min(va, vb));
  }
  return { x, fromA, fromB };
}

/**
 * uPlot's data for `series` (each with `of(curves)`, and `previous` when it reads the previous run, `stop`
 * when it is sparse: the evaluations) of `curves`, thinned for a plot `columns` pixels wide: every `step`-th
 * point, the run's last, the last of all, and every point where a sparse series has a value. Returns
 * `{ data: [x, ...each series], last }`, `last` the index of the run's last point in it (-1: none).
 */
export function chartPoints(curves, series, columns) {
  const { previous } = curves;
  const joined = series.some((s) => s.previous) ? union(curves.x, previous.x) : { x: curves.x, fromA: null };
  const sources = series.map((s) => ({
    values: s.of(s.previous ? previous : curves),
    from: s.previous ? joined.fromB : joined.fromA, // null: the run's own indices
    sparse: Boolean(s.stop),
  }));
  const valueAt = ({ values, from }, k) => {
    const i = from ? from[k] : k;
    return i >= 0 ? (values[i] ?? null) : null;
  };
  const n = joined.x.length;
  const ownLast = curves.x.length - 1;
  const last = ownLast >= 0 && joined.fromA ? joined.fromA.lastIndexOf(ownLast) : ownLast;
  const step = Math.floor(n / Math.max(1, columns));
  const sparse = sources.filter((source) => source.sparse);
  const keep = [];
  for (let k = 0; k < n; k += 1) {
    if (step < 2 || k % step === 0 || k === last || k === n - 1 || sparse.some((source) => valueAt(source, k) !== null)) {
      keep.push(k);
    }
  }
  const data = [keep.map((k) => joined.x[k]), ...sources.map((source) => keep.map((k) => valueAt(source, k)))];
  return { data, last: last < 0 ? -1 : keep.indexOf(last) };
}
