// Bytes made short enough for an address and back: deflate (the browser's CompressionStream, 'deflate-raw')
// and base64url (RFC 4648 §5: A–Z a–z 0–9 - _, no padding), which an address's fragment keeps as it is.

/** Thrown when what is read is not what was written: the words say what to tell the visitor. */
export class Unreadable extends Error {
  constructor(message) {
    super(message);
    this.name = 'Unreadable';
  }
}

/** Reads all of `stream` into one Uint8Array; refuses, and stops reading, once it passes `cap` bytes. */
async function collect(stream, cap) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      throw new Unreadable(`This link unpacks to more than ${Math.round(cap / 1024)} KB, far more than any shared model.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** `bytes` deflated (raw deflate, no header). */
export function deflate(bytes) {
  return collect(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')), Infinity);
}

/**
 * `bytes` inflated, at most `cap` bytes of it: a short link that would unpack to gigabytes (a deflate bomb)
 * is refused as soon as it passes the cap. A damaged stream is refused too.
 */
export async function inflate(bytes, cap) {
  try {
    return await collect(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')), cap);
  } catch (error) {
    if (error instanceof Unreadable) throw error;
    throw new Unreadable('This link is incomplete or damaged (perhaps cut short when it was copied): ask for the whole link again.');
  }
}

/** `bytes` in base64url, without padding. */
export function toBase64Url(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of base64url `text` (padding optional); refused when it holds anything else. */
export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new Unreadable('This link is incomplete or damaged (perhaps cut short, or changed, when it was copied): ask for the whole link again.');
  }
  const binary = atob(text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
