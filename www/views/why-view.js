// "Why this digit?": each pixel's part in the score of the digit the model reads and in the runner-up's,
// as two pictures in the weight pictures' diverging colours on one scale, and the two scores in a sentence.
// For a linear model this is exact: a digit's score is its picture's sum plus its bias.
import { diverging, largestMagnitude, pixelPicture } from '../dom/pixel-picture.js';
import { showText } from '../dom/show-text.js';
import { evidenceAlt, whyText } from '../page-text.js';

export class WhyView {
  /**
   * @param {object} elements `details` (the <details> holding the rest: drawn only while open), `hint`
   *   (shown when there is no digit), `body` (the pictures and the sentence), `pictures` and `captions` (two
   *   each: the digit read, then the runner-up), `text` (the sentence)
   */
  constructor(elements) {
    this.elements = elements;
    this.explain = null;
    this.imageShape = null;
    this.drawn = undefined; // the `explain` the part was drawn from (null: the hint for no digit); none yet
    elements.details.addEventListener('toggle', () => this.draw());
  }

  /**
   * @param {(() => object|undefined)|null} explain gives the core's `evidence(pixels)` for the digit shown (asked
   *   only while this part is open: it is closed most of the time, and the page refreshes ten times a second
   *   while training); null when there is no digit
   * @param {boolean} trained whether there is a model to explain (without one, the whole part is hidden)
   * @param {[number, number] | undefined} imageShape the images' height and width
   */
  show(explain, trained, imageShape) {
    this.elements.details.hidden = !trained || !imageShape;
    this.explain = explain;
    this.imageShape = imageShape;
    this.draw();
  }

  draw() {
    const { details, hint, body, pictures, captions, text } = this.elements;
    const { explain, imageShape } = this;
    if (!details.open || details.hidden || explain === this.drawn) return;
    this.drawn = explain;
    const evidence = explain?.() ?? null;
    showText(hint, evidence ? '' : 'Draw a digit to see which of its pixels decided what the model reads.');
    body.hidden = !evidence;
    if (!evidence) return;
    const { predicted, runnerUp, forPredicted, forRunnerUp, predictedBias, runnerUpBias } = evidence;
    const scale = largestMagnitude([forPredicted, forRunnerUp]); // one scale, so the two pictures compare
    [
      [forPredicted, predicted, predictedBias, `for ${predicted}`],
      [forRunnerUp, runnerUp, runnerUpBias, `for ${runnerUp}, the runner-up`],
    ].forEach(([contributions, digit, bias, caption], i) => {
      pictures[i].src = pixelPicture(...imageShape, (p) => diverging(contributions[p] / scale));
      pictures[i].alt = evidenceAlt(digit, contributions, bias, i === 1);
      captions[i].textContent = caption;
    });
    text.textContent = whyText(evidence);
  }
}
