// Shows what the model thinks of a drawing: the top digit, ten probability bars and the 28×28 input as the
// model reads it; before there is a model, a button that trains one. While a stroke is drawn the reading
// follows it, marked as provisional.
import { showText } from '../dom/show-text.js';
import { aDigit, probabilityText, probabilityWords } from '../page-text.js';

const SEEN_CAPTION = 'what the model sees (28×28)';

export class PredictionView {
  /**
   * @param {object} elements `text` (the answer), `source`, `bars` (a list), `seen` (a 28×28 canvas),
   *   `seenCaption`, `trainNow` (a button, shown while there is a drawing and no model)
   */
  constructor({ text, source, bars, seen, seenCaption, trainNow }) {
    this.text = text;
    this.source = source;
    this.seenCaption = seenCaption;
    this.trainNow = trainNow;
    this.seen = seen;
    this.seenContext = seen.getContext('2d');
    this.seenImage = this.seenContext.createImageData(28, 28);
    this.bars = [];
    this.values = [];
    bars.replaceChildren(
      ...Array.from({ length: 10 }, (_, digit) => {
        const item = document.createElement('li');
        const label = document.createElement('span');
        label.className = 'digit';
        label.textContent = String(digit);
        const track = document.createElement('span');
        track.className = 'track';
        const bar = document.createElement('span');
        bar.className = 'bar';
        track.append(bar);
        const value = document.createElement('span');
        value.className = 'value';
        item.append(label, track, value);
        this.bars.push({ item, bar });
        this.values.push(value);
        return item;
      }),
    );
    this.show({});
  }

  /**
   * @param {object} prediction
   * @param {Float32Array|null} [prediction.pixels] the 784 pixels as the model reads them, or null when
   *   nothing is drawn
   * @param {boolean} [prediction.straightened] whether the model straightened them (it deskews)
   * @param {Float32Array|null} [prediction.probabilities] the 10 class probabilities
   * @param {boolean} [prediction.trained] whether the model has learned anything yet
   * @param {string} [prediction.source] where the digit comes from, when it is not the pad's drawing
   * @param {boolean} [prediction.offerTraining] whether to offer the button that trains a model now
   * @param {boolean} [prediction.drawing] whether a stroke is in progress: the reading is only so far
   */
  show({ pixels = null, straightened = false, probabilities = null, trained = false, source = '', offerTraining = false, drawing = false }) {
    // The page asks again at every refresh while training; an unchanged answer costs no repaint.
    const shown = [pixels, straightened, probabilities && Array.from(probabilities).join(), trained, source, offerTraining, drawing];
    if (this.shown?.every((part, i) => part === shown[i])) return;
    this.shown = shown;
    this.drawSeen(pixels);
    const caption = straightened ? `${SEEN_CAPTION}, straightened` : SEEN_CAPTION;
    showText(this.seenCaption, caption);
    this.seen.setAttribute('aria-label', `The 28×28 image the model sees${straightened ? ', straightened' : ''}`);
    showText(this.source, source);
    this.trainNow.hidden = !offerTraining;
    // The answer is announced once the stroke ends, not at every point of it.
    this.text.setAttribute('aria-busy', String(drawing));
    // An answer is set large; what to do (draw, train first) reads as an ordinary sentence.
    this.text.classList.toggle('instruction', !pixels || !probabilities || !trained);
    if (!pixels || !probabilities) {
      this.text.textContent = 'Draw on the black square: mouse, finger or pen.';
      this.text.dataset.digit = '';
      this.setBars(null, -1);
      return;
    }
    let best = 0;
    for (let k = 1; k < 10; k += 1) if (probabilities[k] > probabilities[best]) best = k;
    if (trained) {
      const reading = `${aDigit(best)} (${probabilityText(probabilities[best])})`;
      this.text.textContent = drawing ? `So far: ${reading}` : `It looks like ${reading}`;
      // The answer (what the page and its tests act on) is the finished drawing's.
      this.text.dataset.digit = drawing ? '' : String(best);
    } else {
      this.text.textContent = offerTraining
        ? 'The model is untrained: every digit is equally likely. Train one now:'
        : 'The model is untrained: every digit is equally likely. Press Train first.';
      this.text.dataset.digit = '';
    }
    this.setBars(probabilities, trained ? best : -1);
  }

  setBars(probabilities, best) {
    this.bars.forEach(({ item, bar }, k) => {
      const p = probabilities ? probabilities[k] : 0;
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      item.classList.toggle('best', k === best);
      this.values[k].textContent = probabilities ? probabilityText(p) : '';
      item.setAttribute('aria-label', probabilities ? `${k}: ${probabilityWords(p)}` : `${k}`);
    });
  }

  drawSeen(pixels) {
    const data = this.seenImage.data;
    for (let i = 0; i < 784; i += 1) {
      const grey = pixels ? Math.round(pixels[i] * 255) : 0;
      data[i * 4] = grey;
      data[i * 4 + 1] = grey;
      data[i * 4 + 2] = grey;
      data[i * 4 + 3] = 255;
    }
    this.seenContext.putImageData(this.seenImage, 0, 0);
  }
}
