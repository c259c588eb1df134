/**
 * The experiment's outputs: the precision table as Markdown and the 2-D picture as SVG.
 *
 * @module
 */
import { scatterSvg } from '../../src/viz/scatter.js';
import { HAM, SPAM } from './corpus.js';
import type { SpamRetrievalResult } from './pipeline.js';

/**
 * The table: one row per method, one column per k, then a line with the split and the chance
 * level.
 *
 * @example
 * ```ts
 * console.log(formatTable(await runSpamRetrieval(loadSpamCorpus())));
 * ```
 */
export function formatTable(r: SpamRetrievalResult): string {
  const head = `| Method | Compared by | ${r.ks.map((k) => `P@${k}`).join(' | ')} |`;
  const rule = `|---|---|${r.ks.map(() => '---:').join('|')}|`;
  const rows = r.rows.map((row) => `| ${row.method} | ${row.representation} | ${row.precision.map((p) => p.toFixed(3)).join(' | ')} |`);
  const note = `${r.nTest} test e-mails queried against ${r.nTrain} training e-mails (${(100 * r.spamShare).toFixed(1)}% spam); ` +
    `a random ranking scores ${r.chancePrecision.toFixed(3)}.`;
  return [head, rule, ...rows, '', note].join('\n');
}

/**
 * The test documents on two LSA components, ham and spam in two colours.
 *
 * @example
 * ```ts
 * writeFileSync('documents-2d.svg', documentsFigure(result));
 * ```
 */
export function documentsFigure(r: SpamRetrievalResult): string {
  return scatterSvg(r.picture, {
    title: `SpamAssassin test e-mails on LSA components 2 and 3 (${r.nTest} e-mails)`,
    xLabel: 'LSA component 2',
    yLabel: 'LSA component 3',
    width: 720,
    height: 540,
    pointRadius: 2.5,
    labelNames: { [HAM]: 'ham', [SPAM]: 'spam' },
  });
}
