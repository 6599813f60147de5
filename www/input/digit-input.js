// The digit the prediction panel classifies: the drawing pad's, preprocessed like MNIST by the core, or a
// test image picked from the results.
import { DrawingPad } from './drawing-pad.js';

export class DigitInput {
  /**
   * @param {HTMLCanvasElement} canvas the drawing pad
   * @param {(image: ImageData) => Float32Array|null|undefined} preprocess the drawing in MNIST form, none
   *   for a blank pad (throws if refused)
   * @param {(digit: { pixels: Float32Array|null, source: string, fromPad: boolean, drawing: boolean }) => void}
   *   onChange called with the new digit: its pixels (null when there is none), where it comes from when it
   *   is not the drawing, whether it is the drawing (only a drawing can be taught: a test image's digit is
   *   known), and whether a stroke is still going on
   * @param {(error: unknown) => void} onError called when the drawing could not be read
   */
  constructor(canvas, preprocess, onChange, onError) {
    this.preprocess = preprocess;
    this.onChange = onChange;
    this.onError = onError;
    this.frame = 0;
    this.pad = new DrawingPad(canvas, () => this.scheduleRead());
  }

  clear() {
    this.pad.clear();
  }

  /** Shows `pixels` (a test image, described by `source`) in place of the drawing, which is cleared. */
  showTestImage(pixels, source) {
    this.pad.clear(false);
    this.pad.showPicture(pixels);
    this.onChange({ pixels, source, fromPad: false, drawing: false });
  }

  /** Reads the pad on the next frame: drawing events come faster than frames. */
  scheduleRead() {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      let pixels = null;
      try {
        if (!this.pad.isEmpty) pixels = this.preprocess(this.pad.imageData()) ?? null;
      } catch (error) {
        this.onError(error);
      }
      this.onChange({ pixels, source: '', fromPad: true, drawing: this.pad.drawing });
    });
  }
}
