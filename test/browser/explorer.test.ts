import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExplorer } from '../../examples/latent-explorer/build.js';
import { serveStatic } from '../../examples/latent-explorer/serve.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[browser test skipped] no Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);
}

describe.skipIf(!hasChromium)('latent explorer in a real browser', () => {
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const dir = await buildExplorer();
    ({ server, url } = await serveStatic(dir));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-quic', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is served cross-origin isolated (COOP/COEP on the page and the worker script)', async () => {
    for (const path of ['', 'worker.js']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  it('trains in a worker on several threads, stays responsive, and decodes the latent point under the pointer', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}?epochs=8`);

    // While the worker trains, the page keeps rendering: two animation frames complete while
    // training is still under way (an ordering check, not a timing bound).
    await page.waitForFunction(() => document.body.dataset.state === 'training', undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    // Three animation frames and a timer complete while the fit runs on its threads, and the
    // progress bar moves between the first frame and the last: the page renders and handles
    // the worker's messages during the fit.
    const during = await page.evaluate(() => new Promise<{ state: string | undefined; progress: number[]; timer: boolean }>((resolve) => {
      const bar = document.getElementById('progress') as HTMLProgressElement;
      const progress: number[] = [];
      let timer = false;
      setTimeout(() => { timer = true; }, 0);
      const frame = (): void => {
        progress.push(bar.value);
        const waiting = progress.length < 3 || !timer || progress[progress.length - 1] === progress[0];
        // At most 600 frames (about 10 s): a page that never advances fails below instead of hanging.
        if (waiting && progress.length < 600) requestAnimationFrame(frame);
        else resolve({ state: document.body.dataset.state, progress, timer });
      };
      requestAnimationFrame(frame);
    }));
    expect(during.state).toBe('training');
    expect(during.progress.length).toBeGreaterThanOrEqual(3);
    expect(during.progress[during.progress.length - 1]).toBeGreaterThan(during.progress[0]);

    await page.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'error',
      undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    // The published ESM build ran its WebAssembly SIMD kernels in the browser.
    expect(await page.evaluate(() => document.body.dataset.backend)).toBe('wasm');
    // The training worker was cross-origin isolated too, so the fit ran on threads.
    expect(Number(await page.evaluate(() => document.body.dataset.threads))).toBeGreaterThan(1);

    const plane = (await page.locator('#plane').boundingBox())!;
    const pixelsAfterMove = async (fx: number, fy: number): Promise<number[]> => {
      const before = Number(await page.evaluate(() => document.body.dataset.decodes ?? 0));
      await page.mouse.move(plane.x + plane.width * fx, plane.y + plane.height * fy);
      await page.waitForFunction((n) => Number(document.body.dataset.decodes ?? 0) > n, before, { timeout: 10_000 });
      return page.evaluate(() => {
        const c = document.getElementById('digit') as HTMLCanvasElement;
        return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
      });
    };
    const a = await pixelsAfterMove(0.3, 0.3);
    const b = await pixelsAfterMove(0.75, 0.7);
    const changed = a.filter((v, i) => Math.abs(v - b[i]) > 16).length;
    expect(changed).toBeGreaterThan(100);

    await mkdir('demo-output', { recursive: true });
    await page.screenshot({ path: join('demo-output', 'latent-explorer.png') });
    expect(errors).toEqual([]);
  }, 240_000);
});
