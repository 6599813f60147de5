// The kept model: the last model trained is kept in the browser (localStorage) as the .npz bytes the core
// exports, so a reload does not lose it.

const KEY = 'mnist-logreg:last-model';

function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Keeps `npz` (a model's bytes) with a note of what it was trained on; false when the browser refuses. */
export function keepModel(npz, meta) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...meta, npz: toBase64(npz), savedAt: new Date().toISOString() }));
    return true;
  } catch {
    return false; // storage full or disabled: the model just is not kept
  }
}

/** The kept model `{ npz, dataName, features, testAccuracy, savedAt }`, or null. */
export function keptModel() {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    return kept && { ...kept, npz: fromBase64(kept.npz) };
  } catch {
    return null; // unreadable: as if there were none
  }
}

export function forgetModel() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing kept, nothing to forget
  }
}
