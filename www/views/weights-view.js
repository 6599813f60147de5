// "What it learned": each digit's row of weights (bias dropped) as an image, in a diverging colour map.
// A linear classifier's weights are literally templates: orange pixels are evidence for the digit, blue
// pixels evidence against it.
import { diverging, pixelPicture } from '../dom/pixel-picture.js';
import { aDigit } from '../page-text.js';

export class WeightsView {
  /**
   * @param {HTMLElement} container where the pictures go
   * @param {HTMLElement} caption says what the picture pointed at, tapped or focused shows
   */
  constructor(container, caption) {
    this.container = container;
    this.caption = caption;
    this.figures = [];
  }

  /** Builds the ten pictures for images of `height`×`width` pixels. */
  build(height, width) {
    this.shape = [height, width];
    this.figures = Array.from({ length: 10 }, (_, digit) => {
      const figure = document.createElement('figure');
      figure.className = 'template';
      const picture = document.createElement('img');
      picture.tabIndex = 0;
      const text = `Template for ${digit}: orange pixels count for ${aDigit(digit)}, blue pixels against it`;
      picture.title = text;
      picture.alt = text;
      const caption = document.createElement('figcaption');
      caption.textContent = String(digit);
      figure.append(picture, caption);
      for (const type of ['pointerenter', 'focus', 'click']) {
        picture.addEventListener(type, () => {
          this.caption.textContent = `${text}.`;
        });
      }
      return figure;
    });
    this.container.replaceChildren(...this.figures);
  }

  /**
   * @param {Float32Array} weights K×(D+1) row-major, first column the bias
   * @param {[number, number] | undefined} imageShape height and width when the samples are images
   */
  show(weights, imageShape) {
    const inputs = weights.length / 10;
    if (!imageShape || imageShape[0] * imageShape[1] !== inputs - 1) {
      this.container.replaceChildren(Object.assign(document.createElement('p'), {
        className: 'hint',
        textContent: 'These samples are not square images, so their weights cannot be drawn as pictures.',
      }));
      this.shape = null;
      return;
    }
    if (!this.shape || this.shape[0] !== imageShape[0] || this.shape[1] !== imageShape[1]) this.build(...imageShape);
    // One symmetric scale for all ten, so the pictures compare.
    let largest = 1e-12;
    for (let k = 0; k < 10; k += 1) {
      for (let j = 1; j < inputs; j += 1) largest = Math.max(largest, Math.abs(weights[k * inputs + j]));
    }
    this.figures.forEach((figure, k) => {
      figure.firstChild.src = pixelPicture(...imageShape, (i) => diverging(weights[k * inputs + 1 + i] / largest));
    });
  }
}
