// The training settings form: read and validate it into the options `Trainer.fromNpz` takes.

const NUMBER_FIELDS = ['learningRate', 'batchSize', 'epochs', 'seed', 'weightDecay'];

/** The seed homework's settings, and the best measured on the bundled data (see the README). */
export const PRESETS = {
  homework: { learningRate: 0.1, batchSize: 256, epochs: 10, seed: 0, weightDecay: 0, schedule: 'constant', softmax: 'row' },
  best: { learningRate: 0.5, batchSize: 64, epochs: 30, seed: 0, weightDecay: 0, schedule: 'cosine', softmax: 'row' },
};

/**
 * The form's options, or `{ error }` naming the first invalid field in words.
 * @param {HTMLFormElement} form
 */
export function readSettings(form) {
  for (const input of form.querySelectorAll('input')) {
    if (!input.checkValidity()) {
      const label = input.closest('label')?.firstChild?.textContent.trim() ?? input.name;
      return { error: `${label}: ${input.validationMessage}`, input };
    }
  }
  const options = { softmax: form.elements.softmax.value, schedule: form.elements.schedule.value };
  for (const name of NUMBER_FIELDS) options[name] = Number(form.elements[name].value);
  return { options };
}

/** Puts options back into the form (e.g. after a reset to the defaults). */
export function writeSettings(form, options) {
  for (const [name, value] of Object.entries(options)) {
    if (form.elements[name]) form.elements[name].value = String(value);
  }
}

/** Enables or disables every field, so settings cannot change under a running training. */
export function lockSettings(form, locked) {
  for (const element of form.elements) element.disabled = locked;
}
