// What the page asks of the session's model without changing anything: predictions, evidence, the input as
// the model reads it, its weights and its test results. Apart from the session's commands, so that what
// draws the page (render.js) can only read. Each answer is undefined while there is no model or the core is
// restarting.

export class ModelQueries {
  /** @param {import('./session.js').Session} session whose `read` and `guard` call the core safely */
  constructor(session) {
    this.session = session;
  }

  read(call) {
    return this.session.read(call);
  }

  /** The drawing pad's RGBA `image` as the model's input (undefined for a blank pad); throws a DrawingError. */
  preprocess(image) {
    const { core } = this.session;
    return core && this.session.guard(() => core.preprocessDigit(image.data, image.width, image.height));
  }

  /** `pixels` as the model reads them: straightened when it deskews. */
  modelInput(pixels) {
    return this.read((trainer) => trainer.modelInput(pixels));
  }

  /** Why the model reads `pixels` as it does: each pixel's part in the top two digits' scores. */
  evidence(pixels) {
    return this.read((trainer) => trainer.evidence(pixels));
  }

  /** The 10 class probabilities of `pixels` under the current model. */
  predict(pixels) {
    return this.read((trainer) => trainer.predict(pixels));
  }

  /** The model's weights, K×(D+1) row-major, first column the bias. */
  weights() {
    return this.read((trainer) => trainer.weights());
  }

  /** The model's reading of every test sample: { predictions, labels }. */
  testResults() {
    const predictions = this.read((trainer) => trainer.testPredictions());
    const labels = this.read((trainer) => trainer.testLabels());
    return predictions && labels && { predictions, labels };
  }

  /** The pixels of test sample `index`. */
  testImage(index) {
    return this.read((trainer) => trainer.testImage(index));
  }

  /** The model as an .npz file's bytes (with its test accuracy when known). */
  exportModel() {
    return this.read((trainer) => trainer.exportNpz(this.session.state.testAccuracy));
  }
}
