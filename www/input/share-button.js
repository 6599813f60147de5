// The Share button: makes a link that carries the model and the visitor's drawings (session/sharing.js),
// then hands it to the phone's share sheet (the Web Share API) where there is one, or copies it.
import { shareLinkText } from '../page-text.js';
import { makeShareLink } from '../session/sharing.js';

/** Whether to use the share sheet: a touch screen (a phone or tablet) whose browser has one. */
const hasShareSheet = () => typeof navigator.share === 'function' && matchMedia('(pointer: coarse)').matches;

/** How the link went: 'shared' (the share sheet), 'copied', or '' (neither: it is shown instead). */
async function handOver(url) {
  if (hasShareSheet()) {
    try {
      await navigator.share({ title: document.title, url });
      return 'shared';
    } catch (error) {
      if (error?.name === 'AbortError') return 'cancelled';
    }
  }
  try {
    await navigator.clipboard.writeText(url);
    return 'copied';
  } catch {
    return '';
  }
}

/** Wires `button` to share `session`'s model; `notify(text)` says what happened. */
export function shareOnClick(button, session, notify) {
  button.addEventListener('click', async () => {
    const link = await makeShareLink(session);
    if (link.refused) {
      notify(link.refused);
      return;
    }
    const how = await handOver(link.url);
    if (how !== 'cancelled') notify(shareLinkText(how, link.drawings, link.left, link.url.length, link.url));
  });
}
