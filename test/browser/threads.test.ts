/**
 * The thread pool in Chromium: with cross-origin isolation (COOP/COEP headers) getThreads()
 * says 2, the browser adapter starts a worker from a Blob URL, and the product on two threads
 * equals the one-thread product bit for bit; without the headers getThreads() says 1.
 */
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const entry = fileURLToPath(new URL('./fixtures/threads-page.ts', import.meta.url));

describe.skipIf(!hasChromium)('threads in a real browser', () => {
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'warning' });
    const script = out.outputFiles[0].text;
    server = createServer((req, res) => {
      const isolated = req.url?.startsWith('/isolated/') === true;
      const headers: Record<string, string> = isolated
        ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
        : {};
      if (req.url?.endsWith('/page.js') === true) res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="page.js"></script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const run = async (path: string) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}${path}`);
    await page.waitForFunction(() => 'runThreads' in globalThis, undefined, { timeout: 60_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { runThreads(): Promise<unknown> }).runThreads());
    await page.close();
    expect(errors).toEqual([]);
    return result;
  };

  it('runs the product on two threads with the same bytes when cross-origin isolated', async () => {
    expect(await run('/isolated/')).toEqual({ isolated: true, threads: 2, workers: 1, same: true });
  }, 120_000);

  it('stays on one thread without cross-origin isolation', async () => {
    expect(await run('/plain/')).toEqual({ isolated: false, threads: 1, workers: 0, same: true });
  }, 120_000);
});
