// The test set's results: a confusion matrix and a gallery of the digits the model gets wrong.
import { cellBackground, whiteTextOn } from '../dom/contrast.js';
import { grey, pixelPicture } from '../dom/pixel-picture.js';
import { aDigit } from '../page-text.js';

const GALLERY_SIZE = 24;
const PICTURES_AT_ONCE = 6; // the gallery's pictures are drawn a few per task, so that no task is long on a slow phone

export class TestResultsView {
  /**
   * @param {object} elements `matrix` (a table), `gallery` (a list), `summary` (a paragraph)
   * @param {(index: number, label: number) => void} onPick called with a test sample's index and true digit
   *   when a mistake is chosen
   */
  constructor(elements, onPick) {
    this.elements = elements;
    this.onPick = onPick;
    this.clear();
  }

  clear() {
    clearTimeout(this.picturing);
    this.elements.matrix.replaceChildren();
    this.elements.gallery.replaceChildren();
    this.pictures = new Map(); // test sample index → its picture: the gallery is redrawn every second
    this.elements.summary.textContent = 'Train the model to see which digits it confuses.';
  }

  /**
   * @param {Uint8Array} predictions the predicted digit of each test sample
   * @param {Uint8Array} labels the true digits
   * @param {(index: number) => Float32Array|undefined} imageOf a test sample's pixels (none: no picture)
   * @param {[number, number] | undefined} imageShape
   */
  show(predictions, labels, imageOf, imageShape) {
    const counts = Array.from({ length: 10 }, () => new Array(10).fill(0));
    const mistakes = [];
    labels.forEach((label, i) => {
      counts[label][predictions[i]] += 1;
      if (label !== predictions[i]) mistakes.push(i);
    });
    this.showMatrix(counts);
    const shown = mistakes.slice(0, GALLERY_SIZE);
    this.elements.summary.textContent =
      `${mistakes.length.toLocaleString('en')} of ${labels.length.toLocaleString('en')} test digits are misread` +
      (shown.length ? `; the first ${shown.length} are below. Choose one to see what the model thinks.` : '.');
    const buttons = shown.map((index) => this.mistake(index, labels[index], predictions[index]));
    this.elements.gallery.replaceChildren(...buttons);
    clearTimeout(this.picturing);
    if (imageShape) this.addPictures(buttons, imageOf, imageShape);
  }

  /** Puts each mistake's picture in its button, PICTURES_AT_ONCE per task. */
  addPictures(buttons, imageOf, imageShape) {
    for (const button of buttons.slice(0, PICTURES_AT_ONCE)) {
      const index = Number(button.dataset.index);
      if (!this.pictures.has(index)) {
        const pixels = imageOf(index);
        if (pixels) this.pictures.set(index, pixelPicture(...imageShape, (i) => grey(pixels[i])));
      }
      if (this.pictures.has(index)) button.prepend(Object.assign(document.createElement('img'), { src: this.pictures.get(index), alt: '' }));
    }
    const rest = buttons.slice(PICTURES_AT_ONCE);
    if (rest.length > 0) this.picturing = setTimeout(() => this.addPictures(rest, imageOf, imageShape));
  }

  showMatrix(counts) {
    const { matrix } = this.elements;
    const caption = document.createElement('caption');
    caption.textContent = 'Rows: the true digit. Columns: what the model said.';
    const head = document.createElement('tr');
    // The corner names the row headers' column and the column headers' row, for screen readers.
    const corner = Object.assign(document.createElement('th'), { scope: 'col' });
    corner.append(Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: 'true digit ↓, said →' }));
    head.append(corner);
    for (let p = 0; p < 10; p += 1) head.append(Object.assign(document.createElement('th'), { scope: 'col', textContent: p }));
    const rows = counts.map((row, truth) => {
      const tr = document.createElement('tr');
      tr.append(Object.assign(document.createElement('th'), { scope: 'row', textContent: truth }));
      const total = Math.max(1, row.reduce((a, b) => a + b, 0));
      row.forEach((count, predicted) => {
        const cell = document.createElement('td');
        cell.textContent = count ? String(count) : '';
        const share = count / total;
        const shown = Number(share.toFixed(3));
        cell.style.setProperty('--share', String(shown));
        cell.className = predicted === truth ? 'hit' : 'miss';
        // White or black numbers, whichever contrasts more with the colour the CSS gives the cell.
        if (whiteTextOn(cellBackground(shown, predicted === truth))) cell.classList.add('dark');
        cell.title = `${count} test images of ${truth} read as ${predicted}`;
        tr.append(cell);
      });
      return tr;
    });
    matrix.replaceChildren(caption, head, ...rows);
  }

  mistake(index, label, predicted) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'mistake';
    button.dataset.index = String(index);
    button.dataset.true = String(label);
    button.dataset.predicted = String(predicted);
    // The name starts with the text shown (WCAG 2.5.3, label in name), then says it in words.
    button.setAttribute('aria-label', `${label} → ${predicted}: test image ${index}, ${aDigit(label)} read as ${aDigit(predicted)}`);
    button.append(Object.assign(document.createElement('span'), { textContent: `${label} → ${predicted}` }));
    button.addEventListener('click', () => this.onPick(index, label));
    return button;
  }
}
