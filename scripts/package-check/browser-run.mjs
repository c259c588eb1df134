// Runs the browser bundle (argv[2]) in headless Chromium and prints what it reports as JSON.
// Uses the repository's playwright-core (a devDependency) and Debian's Chromium. The page is
// served from 127.0.0.1 so that crypto.subtle (secure contexts only) exists.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const bundle = readFileSync(process.argv[2], 'utf8');
const server = createServer((req, res) => {
  if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/bundle.js"></script>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const result = await page.evaluate(() => globalThis.latentDigest);
  if (errors.length > 0) result.pageErrors = errors;
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  server.close();
}
