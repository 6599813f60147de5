// The data panel: what the data set in use holds (sizes, image shape, training samples per digit), what
// the core noticed about it, how far a file being read has got, and why a file was not loaded.
import { showText } from '../dom/show-text.js';

export class DataView {
  /** @param {object} elements `summary`, `counts` (the bars), `notice`, `error`, `loading` ({ line, text, bar }) */
  constructor(elements) {
    this.elements = elements;
    this.info = null;
    this.error = { message: '', detail: '' }; // the refusal shown
  }

  /** Shows data set `name`, which holds `info` (the trainer's `datasetInfo()`); nothing before one is loaded. */
  show(name, info) {
    if (!info || info === this.info) return;
    this.info = info;
    const { summary, counts: bars, notice } = this.elements;
    const shape = info.imageShape ? `${info.imageShape[0]}×${info.imageShape[1]}` : `${info.features} pixels`;
    summary.textContent =
      `${name}: ${info.trainSamples.toLocaleString('en')} training and ` +
      `${info.testSamples.toLocaleString('en')} test images of ${shape}.`;
    const counts = info.trainClassCounts;
    const most = Math.max(...counts, 1);
    bars.replaceChildren(
      ...counts.map((count, digit) => {
        const column = document.createElement('div');
        column.className = 'count';
        column.title = `${count} training images of ${digit}`;
        const bar = document.createElement('span');
        bar.className = 'count-bar';
        bar.style.setProperty('--share', (count / most).toFixed(3));
        const label = document.createElement('span');
        label.className = 'count-label';
        label.textContent = String(digit);
        column.append(bar, label);
        return column;
      }),
    );
    bars.setAttribute('aria-label', `Training images per digit: ${counts.map((c, d) => `${d}: ${c}`).join(', ')}`);
    showText(notice, info.notices.join(' '));
  }

  /**
   * How far reading (or straightening) a data set has got: `loading` is `{ name, stage, fraction }`, or null
   * to hide the line.
   */
  showLoading(loading) {
    const { line, text, bar } = this.elements.loading;
    const percent = loading && Math.floor(loading.fraction * 100);
    const doing = loading?.stage === 'straightening' ? 'Straightening the digits of' : 'Reading';
    const words = loading && `${doing} ${loading.name}… ${percent} %`;
    // Asked at every render, training's frames included: the page is changed only where it differs.
    if (!this.info) {
      // Nothing shown yet: the summary line says it, and nothing on the page moves.
      if (loading) showText(this.elements.summary, words);
      return;
    }
    if (line.hidden !== !loading) line.hidden = !loading;
    if (!loading) return;
    showText(text, words);
    if (bar.value !== percent) bar.value = percent;
  }

  /**
   * Why the last file was not loaded: a message, or `{ message, detail }` (page-text.js's `refusedFileText`),
   * whose technical detail is folded away under "Details". Empty hides the line. All of it is text: a file
   * name is never read as HTML.
   */
  showError(error) {
    const { message = '', detail = '' } = typeof error === 'string' ? { message: error } : (error ?? {});
    // Asked at every render: an unchanged refusal keeps its line, and "Details" stays open if it was.
    if (message === this.error.message && detail === this.error.detail) return;
    this.error = { message, detail };
    const line = this.elements.error;
    line.replaceChildren(message);
    if (message && detail) line.append(' ', folded(detail));
    line.hidden = !message;
  }
}

/** A <details> that holds `detail` as text under "Details". */
function folded(detail) {
  const details = document.createElement('details');
  const summary = Object.assign(document.createElement('summary'), { textContent: 'Details' });
  details.append(summary, Object.assign(document.createElement('span'), { className: 'detail', textContent: detail }));
  return details;
}
