// WCAG colour contrast, for text on the confusion matrix's cells: the cells' colours are the CSS's
// (www/reading.css, `.confusion td`), a colour laid over the white card with an opacity set by `--share`.

/** WCAG 2 relative luminance of an sRGB colour given as [r, g, b] in 0..255. */
export function luminance([r, g, b]) {
  const linear = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** WCAG 2 contrast ratio of two sRGB colours, 1..21. */
export function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// Keep in step with `.confusion td` in www/reading.css.
const CARD = [255, 255, 255];
const HIT = [11, 99, 181]; // opacity: the share
const MISS = [217, 95, 2]; // opacity: three times the share, at most one
export const BLACK = [0, 0, 0];
export const WHITE = [255, 255, 255];

/** The colour of a confusion-matrix cell, as the CSS paints it: a hit's or a miss's colour over the card. */
export function cellBackground(share, hit) {
  const alpha = Math.min(1, Math.max(0, hit ? share : 3 * share));
  const colour = hit ? HIT : MISS;
  return colour.map((c, i) => Math.round(alpha * c + (1 - alpha) * CARD[i]));
}

/**
 * Whether a cell's number is written in white (else black): whichever contrasts more with the cell. Black
 * or white always reaches 4.58:1 against any colour, above WCAG AA's 4.5:1 for small text.
 */
export function whiteTextOn(background) {
  return contrast(WHITE, background) > contrast(BLACK, background);
}
