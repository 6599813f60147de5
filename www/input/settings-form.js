// The training settings form: read and validate it into the options `Trainer.fromNpz` takes, fill it from a
// preset, and lock it while a run uses it. The options and their defaults come from the core (`presets()`);
// the `compare` box is a setting of the page, not an option. A boolean option is a checkbox.

export class SettingsForm {
  /** @param {HTMLFormElement} form with a field named after each option, and preset buttons (`data-preset`) */
  constructor(form) {
    this.form = form;
    this.presets = null;
  }

  /**
   * Takes the core's presets ({ homework, best }): the preset buttons fill the form with them, and the types
   * of their values say which fields hold numbers and which are on or off.
   */
  usePresets(presets) {
    this.presets = presets;
    for (const button of this.form.querySelectorAll('[data-preset]')) {
      button.addEventListener('click', () => this.usePreset(button.dataset.preset));
    }
  }

  /** Fills the form with preset `name` ('homework' or 'best'). */
  usePreset(name) {
    this.write(this.presets[name]);
    this.form.dispatchEvent(new Event('input')); // as if typed, so what follows the form (the address) does
  }

  /** Whether compare mode is on: also train the other softmax alongside. */
  get compare() {
    return this.form.elements.compare.checked;
  }

  /** The form's options, or `{ error, input }` naming the first invalid field in words. */
  read() {
    if (!this.presets) return { error: 'The page is still loading.' };
    for (const input of this.form.querySelectorAll('input')) {
      if (!input.checkValidity()) {
        const label = input.closest('label')?.firstChild?.textContent.trim() ?? input.name;
        return { error: `${label}: ${input.validationMessage}`, input };
      }
    }
    const options = {};
    for (const [name, value] of Object.entries(this.presets.homework)) {
      const field = this.form.elements[name];
      if (typeof value === 'boolean') options[name] = field.checked;
      else options[name] = typeof value === 'number' ? Number(field.value) : field.value;
    }
    return { options };
  }

  /**
   * Puts values (options, or the address's strings) into the fields of the same names; a checkbox is ticked
   * by true or the address's '1' (or 'true').
   */
  write(values) {
    for (const [name, value] of Object.entries(values)) {
      const field = this.form.elements[name];
      if (field?.type === 'checkbox') field.checked = value === true || value === '1' || value === 'true';
      else if (field) field.value = String(value);
    }
  }

  /** Enables or disables every field, so settings cannot change under a running training. */
  lock(locked) {
    for (const element of this.form.elements) element.disabled = locked;
  }
}
