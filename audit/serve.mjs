// Serves dist/ as a static host would, for the audit: under a sub-path, gzip when the client accepts it,
// the right content types, and cache headers (hashed assets immutable, everything else revalidated).
// The tests have their own plain server (tests/e2e/harness.mjs); this one is for measuring.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONTENT_TYPES, SUB_PATH } from '../scripts/static-site.mjs';

// What static hosts (GitHub Pages, Netlify, Cloudflare) compress: text, JSON, manifests, SVG and wasm. Not
// application/octet-stream (the .npz), not images.
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm|xml|javascript)|image\/svg\+xml)/;

/** Serves `dir` at SUB_PATH on a free localhost port; resolves to { url, close, log }. */
export async function serveDist(dir) {
  const cache = new Map(); // path -> { mtimeMs, body, gzipped, etag }
  const log = []; // { path, status, encoding, bytes } of every response, for the record

  async function load(file) {
    const { mtimeMs, isFile } = await stat(file).then((s) => ({ mtimeMs: s.mtimeMs, isFile: s.isFile() }));
    if (!isFile) throw new Error('not a file');
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const body = await readFile(file);
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    const entry = {
      mtimeMs,
      body,
      type,
      gzipped: COMPRESSIBLE.test(type) ? gzipSync(body, { level: 6 }) : null,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
      lastModified: new Date(mtimeMs).toUTCString(),
    };
    cache.set(file, entry);
    return entry;
  }

  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const done = (status, encoding = null, bytes = 0) => log.push({ path, status, encoding, bytes });
    if (path === SUB_PATH.slice(0, -1)) {
      response.writeHead(301, { location: SUB_PATH }).end();
      return done(301);
    }
    if (!path.startsWith(SUB_PATH)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('outside the site');
      return done(404);
    }
    let relative = path.slice(SUB_PATH.length);
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = normalize(join(dir, relative));
    if (!file.startsWith(dir + sep)) {
      response.writeHead(403).end();
      return done(403);
    }
    let entry;
    try {
      entry = await load(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return done(404);
    }
    const headers = {
      'content-type': entry.type,
      'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: entry.etag,
      'last-modified': entry.lastModified,
      'x-content-type-options': 'nosniff',
    };
    if (entry.gzipped) headers.vary = 'Accept-Encoding';
    if (request.headers['if-none-match'] === entry.etag) {
      response.writeHead(304, headers).end();
      return done(304);
    }
    const gzip = entry.gzipped && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    const body = gzip ? entry.gzipped : entry.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = body.length;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    done(200, gzip ? 'gzip' : null, body.length);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${SUB_PATH}`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
