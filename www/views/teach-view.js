// "Wrong? It is a …": ten buttons that teach the model what the drawing on the pad is, and a line that says
// what the last teaching did. The visitor's drawings it learned are listed by corrections-view.js.
import { showText } from '../dom/show-text.js';

export class TeachView {
  /**
   * @param {object} elements `group` (shown while teaching is offered), `buttons` (where the ten go), `status`
   * @param {(digit: number) => void} onTeach called with the digit the visitor says the drawing is
   */
  constructor({ group, buttons, status }, onTeach) {
    this.group = group;
    this.status = status;
    buttons.replaceChildren(
      ...Array.from({ length: 10 }, (_, digit) => {
        const button = Object.assign(document.createElement('button'), { type: 'button', textContent: String(digit) });
        button.dataset.digit = String(digit);
        button.setAttribute('aria-label', `It is a ${digit}: teach the model`);
        button.addEventListener('click', () => onTeach(digit));
        return button;
      }),
    );
  }

  /** Offers the buttons (`offered`) or not, and shows `status`, what the last teaching did (empty: nothing). */
  show(offered, status) {
    if (this.group.hidden !== !offered) this.group.hidden = !offered;
    showText(this.status, status);
  }
}
