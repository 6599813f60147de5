// "Taught drawings": the drawings the model was taught (its corrections: the visitor's, or shared in a link),
// each a small picture with its digit and a button that forgets it. They are the visitor's data, shown in full.
import { grey, pixelPicture } from '../dom/pixel-picture.js';
import { aDigit, taughtDrawings } from '../page-text.js';

export class CorrectionsView {
  /**
   * @param {object} elements `panel` (hidden while there are none), `title`, `list`
   * @param {(index: number) => void} onForget called with the index of the drawing to forget
   */
  constructor(elements, onForget) {
    this.elements = elements;
    this.onForget = onForget;
    this.shown = null;
  }

  /** @param {{ label: number, pixels: Float32Array }[]} corrections oldest first, as the trainer keeps them */
  show(corrections, imageShape) {
    if (corrections === this.shown) return;
    this.shown = corrections;
    const { panel, title, list } = this.elements;
    panel.hidden = corrections.length === 0 || !imageShape;
    if (panel.hidden) return;
    const drawings = taughtDrawings(corrections.length);
    title.textContent = drawings[0].toUpperCase() + drawings.slice(1);
    list.replaceChildren(...corrections.map(({ label, pixels }, index) => this.item(label, pixels, index, imageShape)));
  }

  item(label, pixels, index, imageShape) {
    const item = document.createElement('li');
    item.className = 'correction';
    const picture = Object.assign(document.createElement('img'), {
      src: pixelPicture(...imageShape, (i) => grey(pixels[i])),
      alt: `Your drawing of ${aDigit(label)}`,
    });
    const digit = Object.assign(document.createElement('span'), { textContent: String(label) });
    const forget = Object.assign(document.createElement('button'), { type: 'button', textContent: '×' });
    forget.setAttribute('aria-label', `Forget your drawing of ${aDigit(label)}`);
    forget.addEventListener('click', () => this.onForget(index));
    item.append(picture, digit, forget);
    return item;
  }
}
