// The digit the prediction panel classifies: the drawing pad's, preprocessed like MNIST by the core, or a
// test image picked from the results.
import { DrawingPad } from './drawing-pad.js';

export class DigitInput {
  /**
   * @param {HTMLCanvasElement} canvas the drawing pad
   * @param {(image: ImageData) => Float32Array|null} preprocess the drawing in MNIST form (throws if refused)
   * @param {() => void} onChange called when the digit changes
   * @param {(error: unknown) => void} onError called when the drawing could not be read
   */
  constructor(canvas, preprocess, onChange, onError) {
    this.preprocess = preprocess;
    this.onChange = onChange;
    this.onError = onError;
    this.pixels = null; // the digit in MNIST form, or null when there is none
    this.source = ''; // set when the digit is a test image rather than the drawing
    this.frame = 0;
    this.pad = new DrawingPad(canvas, () => this.scheduleRead());
  }

  clear() {
    this.pad.clear();
  }

  /** Shows `pixels` (a test image, described by `source`) in place of the drawing, which is cleared. */
  showTestImage(pixels, source) {
    this.pad.clear(false);
    this.pixels = pixels;
    this.source = source;
    this.onChange();
  }

  /** Reads the pad on the next frame: drawing events come faster than frames. */
  scheduleRead() {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      this.source = '';
      try {
        this.pixels = this.pad.isEmpty ? null : this.preprocess(this.pad.imageData());
      } catch (error) {
        this.pixels = null;
        this.onError(error);
      }
      this.onChange();
    });
  }
}
