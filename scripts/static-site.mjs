// What the test harness, the benchmark, the audit and the preview image serve the site as: the sub-path a
// static host might put it under, and the content type of each kind of file it holds. One table, so a new
// kind of file (as the web app manifest was) is served right everywhere.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

export const SUB_PATH = '/some/sub/path/';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.npz': 'application/octet-stream',
};

/** Serves `dir` at `SUB_PATH` on a free localhost port; resolves to { url, close }. */
export async function serveDirectory(dir) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (!path.startsWith(SUB_PATH)) {
      response.writeHead(404).end('outside the site');
      return;
    }
    const file = normalize(join(dir, path.slice(SUB_PATH.length) || 'index.html'));
    if (!file.startsWith(dir)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file.endsWith('/') ? join(file, 'index.html') : file);
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  // Closing drops the browsers' kept-alive connections too, so the site is gone at once (offline tests).
  const close = () => new Promise((resolve) => server.close(resolve) && server.closeAllConnections());
  return { url: `http://127.0.0.1:${port}${SUB_PATH}`, close };
}
