// The page's message lines (errors, notices): a line shows its text, and is hidden while it has none.

/** Puts `text` in `element`, hiding it when empty; the same text again changes nothing (no relayout). */
export function showText(element, text) {
  if (element.textContent !== text) element.textContent = text;
  if (element.hidden !== !text) element.hidden = !text;
}
