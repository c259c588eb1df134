// Bundled for the browser from the installed package (as an application's bundler would) and
// run in headless Chromium by browser-run.mjs: loads the built-in digits and reports a digest
// that must equal Node's.
import { loadDigits } from 'latent-ts';

async function digest() {
  const { train, test } = await loadDigits({ seed: 0 });
  const bytes = new Uint8Array(train.data.buffer, train.data.byteOffset, train.data.byteLength);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return {
    trainShape: train.shape,
    testShape: test.shape,
    labels: Array.from(test.labels.subarray(0, 10)),
    sha256: Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

globalThis.latentDigest = digest().catch((error) => ({ error: String(error && error.stack ? error.stack : error) }));
