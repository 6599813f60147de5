// The training settings form: read and validate it into the options `Trainer.fromNpz` takes.

const NUMBER_FIELDS = ['learningRate', 'batchSize', 'epochs', 'seed'];

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
  const options = { softmax: form.elements.softmax.value };
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
