// Keys 0–9 pressed while the drawing pad has the focus say what the drawing is, as the "It is a …" buttons
// do: someone drawing with a mouse or pen corrects the model without leaving the pad.

/** Calls `onDigit(digit)` for a digit key pressed (no modifier) while `pad` has the focus. */
export function listenForDigitKeys(pad, onDigit) {
  pad.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[0-9]$/.test(event.key)) return;
    event.preventDefault();
    onDigit(Number(event.key));
  });
}
