// uPlot formats its numbers with `new Intl.NumberFormat(navigator.language)` as its module loads. Where the
// browser's language is no valid language tag (WebKitGTK under a POSIX "C" locale reports "C"), that throws
// and the charts never show; such a browser is given "en" before the charts' script loads.

/** Makes `navigator.language` a tag Intl accepts, "en" when it is not one. */
export function ensureValidLanguage() {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { value: 'en', configurable: true });
  }
}
