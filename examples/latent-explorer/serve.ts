/**
 * A minimal static file server for the explorer (and its browser test). Module workers need
 * http(s), not file://. Every response carries the two headers that make the page cross-origin
 * isolated (`Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy:
 * require-corp`): the page and its training worker then have SharedArrayBuffer, so latent-ts
 * trains on several threads there (getThreads() > 1). The worker script needs them too: a
 * dedicated worker's isolation comes from its own script's response.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json',
  '.bin': 'application/octet-stream', '.css': 'text/css', '.png': 'image/png',
};

/** The headers that enable SharedArrayBuffer, and so latent-ts's threads, in the page and its workers. */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

/** Answers one request for a file under `root`. */
async function respond(root: string, url: string | undefined, res: ServerResponse): Promise<void> {
  const path = decodeURIComponent(new URL(url ?? '/', 'http://x').pathname);
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(normalize(root) + sep) && file !== normalize(root)) {
    res.writeHead(403, ISOLATION_HEADERS).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...ISOLATION_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404, ISOLATION_HEADERS).end('not found');
  }
}

/** Serves `root` on 127.0.0.1:`port` (0 picks a free port). */
export async function serveStatic(root: string, port = 0): Promise<{ url: string; server: Server }> {
  // A rejected handler would be an unhandled rejection that stops the server (a malformed
  // %-escape makes decodeURIComponent throw): answer 400 instead.
  const server = createServer((req, res) => {
    respond(root, req.url, res).catch(() => res.writeHead(400, ISOLATION_HEADERS).end('bad request'));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return { url: `http://127.0.0.1:${actual}/`, server };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { buildExplorer } = await import('./build.js');
  const dir = await buildExplorer();
  const { url } = await serveStatic(dir, Number(process.env.PORT ?? 5173));
  console.log(`latent explorer: ${url}  (Ctrl-C to stop)`);
}
