/**
 * `npx tsx examples/spam-lsa/run.ts [--every N] [--epochs N] [--out DIR]` (or `npm run spam-lsa`):
 * runs the spam/ham retrieval experiment on the SpamAssassin corpus (all 6,046 e-mails unless
 * `--every` thins it), prints the table, and writes the Markdown table, `results.json` and
 * `documents-2d.svg` to DIR (default `examples/spam-lsa/output/`).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSpamCorpus } from './corpus.js';
import { runSpamRetrieval } from './pipeline.js';
import { documentsFigure, formatTable } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      every: { type: 'string', default: '1' },
      epochs: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: join(fileURLToPath(new URL('.', import.meta.url)), 'output') },
    },
  });
  const started = performance.now();
  const corpus = loadSpamCorpus({ every: Number(values.every) });
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  const result = await runSpamRetrieval(corpus, {
    seed: Number(values.seed),
    vaeEpochs: Number(values.epochs),
    log: (line) => console.error(`[${seconds()} s] ${line}`),
  });
  const table = formatTable(result);
  console.log(table);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'table.md'), `${table}\n`);
  writeFileSync(join(values.out, 'documents-2d.svg'), documentsFigure(result));
  const { picture: _picture, ...numbers } = result;
  writeFileSync(join(values.out, 'results.json'), `${JSON.stringify({ ...numbers, seconds: Number(seconds()) }, null, 2)}\n`);
  console.error(`[${seconds()} s] wrote ${values.out}`);
}

await main();
