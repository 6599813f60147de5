// Sharing a model in a link: the settings, the weights and the visitor's drawings, packed by the core
// (src/train/shared.rs), deflated and base64url-encoded into the address's fragment (`#share=…`), which
// browsers never send to the host. Opening such a link unpacks it (at most MAX_UNPACKED bytes: a deflate
// bomb is refused), has the core check it, and imports it as a saved model is imported (session.importModel):
// the drawings are listed and removable, the pad reads at once, and the model kept in this browser stays
// as it was until the visitor trains or teaches. Anything refused leaves the page as it opened without it.
import { isRefusal, messageOf } from '../core.js';
import { Unreadable, deflate, fromBase64Url, inflate, toBase64Url } from '../dom/deflate.js';
import { sharedRefusedText, sharedText } from '../page-text.js';
import { keptModel } from './model-store.js';
import { isTrained } from './state.js';

/** The fragment's key: `#share=…`. */
const KEY = 'share';
/** Most drawings a link carries (the core's MAX_SHARED_DRAWINGS): the newest. */
export const MAX_SHARED_DRAWINGS = 50;
/** Longest fragment read: 50 drawings and the weights take about 30,000 characters. */
export const MAX_FRAGMENT = 64 * 1024;
/** Most bytes a link's model may unpack to: 50 drawings and the weights are about 48 KB. */
export const MAX_UNPACKED = 128 * 1024;

/**
 * The shared model the address carries (the text after `#share=`), or null; the fragment is taken out of
 * the address, so that a reload or a copied link is the page's own again.
 */
export function takeSharedFragment(location = window.location, history = window.history) {
  const match = location.hash.match(new RegExp(`^#${KEY}=(.*)$`, 's'));
  if (!match) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  return match[1];
}

/**
 * A link to the page that carries the session's model, its settings and its newest drawings:
 * `{ url, drawings, left }` (`left`: the older drawings that did not fit), or `{ refused }` saying why there
 * is none yet.
 */
export async function makeShareLink(session, location = window.location) {
  const { state } = session;
  if (!isTrained(state)) return { refused: 'Train a model first (or load one): a link shares a model.' };
  if (state.phase === 'running' || state.phase === 'paused') {
    return { refused: 'Let training finish first: a link shares a finished model.' };
  }
  const bytes = session.read((trainer) => trainer.exportShared());
  if (!bytes) return { refused: 'The model could not be read; try again in a moment.' };
  const text = toBase64Url(await deflate(bytes));
  const total = state.corrections.length;
  const drawings = Math.min(total, MAX_SHARED_DRAWINGS);
  return { url: `${location.origin}${location.pathname}#${KEY}=${text}`, drawings, left: total - drawings };
}

/**
 * Opens the shared model `text` (from `takeSharedFragment`) in `session`, which has started; its settings
 * are named as the session words them. Says what it received, or why it was refused (then nothing changes).
 * Resolves to whether it was opened.
 */
export async function openSharedModel(session, text) {
  const before = session.state.notice;
  session.update({ notice: 'Opening the model shared with you…' });
  const refuse = (reason) => {
    session.update({ notice: `${sharedRefusedText(reason)}${before ? ` ${before}` : ''}` });
    return false;
  };
  let npz;
  try {
    if (text.length > MAX_FRAGMENT) {
      throw new Unreadable(`This link is ${Math.round(text.length / 1024)} KB long; a shared link is at most ${MAX_FRAGMENT / 1024} KB.`);
    }
    const payload = await inflate(fromBase64Url(text), MAX_UNPACKED);
    npz = session.read((trainer) => trainer.sharedAsNpz(payload)); // the core checks it all
  } catch (error) {
    if (error instanceof Unreadable || isRefusal(error)) return refuse(messageOf(error));
    throw error;
  }
  if (!npz) return false; // the core failed: the page restarts it
  const kept = keptModel();
  if (!session.importModel(npz, 'the model shared with you', { origin: 'shared' })) {
    return refuse('This link could not be opened here.');
  }
  // With no model of their own kept, the shared one is kept, so that a reload keeps it too.
  if (!kept) session.keepModel();
  const { options, corrections, testAccuracy } = session.state;
  const name = session.describeSettings(options);
  session.update({ notice: sharedText(name, corrections.length, testAccuracy, Boolean(kept), kept?.testAccuracy) });
  return true;
}
