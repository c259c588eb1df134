/**
 * The SpamAssassin example (examples/spam-lsa/) on a slice of the corpus: every 20th e-mail
 * (303, each group in its share), a small VAE. The table has its shape, every precision is a
 * share in [0, 1], TF-IDF cosine beats the chance level, and two runs with one seed agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HAM, SPAM, loadSpamCorpus, subjectAndBody, type SpamCorpus } from '../../examples/spam-lsa/corpus.js';
import { runSpamRetrieval, type SpamRetrievalOptions, type SpamRetrievalResult } from '../../examples/spam-lsa/pipeline.js';
import { documentsFigure, formatTable } from '../../examples/spam-lsa/report.js';
import { splitDocuments } from '../../examples/spam-lsa/split.js';
import { findAll, parseXml } from '../helpers/xml.js';

const OPTIONS: SpamRetrievalOptions = { seed: 7, vaeTerms: 300, vaeEpochs: 4, vaeHidden: [32] };
let corpus: SpamCorpus;
let result: SpamRetrievalResult;

beforeAll(async () => {
  corpus = loadSpamCorpus({ every: 20 });
  result = await runSpamRetrieval(corpus, OPTIONS);
}, 60_000);

describe('the SpamAssassin corpus', () => {
  it('every 20th e-mail keeps each group in its share; labels follow the groups', () => {
    expect(corpus.texts).toHaveLength(303);
    const spam = corpus.labels.filter((l) => l === SPAM).length;
    expect(spam).toBe(95); // spam-1 and spam-2 are 1,896 of the 6,046, listed last
    corpus.groups.forEach((g, i) => expect(corpus.labels[i]).toBe(g.startsWith('spam') ? SPAM : HAM));
  });

  it('a document is the Subject line and the body, without the other headers', () => {
    expect(subjectAndBody('From: a@b\r\nSubject: Cheap pills\r\nX-Spam: no\r\n\r\nBuy now.\r\n')).toBe('Cheap pills\nBuy now.\n');
    expect(subjectAndBody('Subject: only headers')).toBe('only headers\n');
    expect(corpus.texts.filter((t) => /^(From |Return-Path:|Received:)/.test(t))).toEqual([]); // every raw e-mail starts with these
  });

  it('the split is seeded, disjoint and covers every document', () => {
    const a = splitDocuments(303, 0.2, 7);
    expect(splitDocuments(303, 0.2, 7)).toEqual(a);
    expect(a.test).toHaveLength(61);
    expect(new Set([...a.train, ...a.test]).size).toBe(303);
    expect(() => splitDocuments(303, 1, 7)).toThrow(/testFraction must be in \(0, 1\) \(got 1\)/);
  });
});

describe('runSpamRetrieval on 303 e-mails', () => {
  it('has one row per method and code length, one precision per k, all in [0, 1]', () => {
    expect(result.ks).toEqual([1, 10, 100]);
    expect(result.nTrain + result.nTest).toBe(303);
    expect(result.rows.map((r) => `${r.method} / ${r.representation}`)).toEqual([
      `TF-IDF cosine k-NN (baseline) / ${result.nTerms}-d sparse`,
      'LSA-100 cosine k-NN / 100-d real',
      'LSA codes, median thresholds / 32 bits',
      'LSA codes, median thresholds / 64 bits',
      'VAE on TF-IDF (300 terms), median thresholds / 32 bits',
      'VAE on TF-IDF (300 terms), median thresholds / 64 bits',
    ]);
    for (const row of result.rows) {
      expect(row.precision).toHaveLength(3);
      for (const p of row.precision) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
    expect(result.lsaVarianceRatio).toBeGreaterThan(0);
    expect(result.lsaVarianceRatio).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('TF-IDF cosine and the LSA codes retrieve the query\'s class more often than chance', () => {
    const chance = result.chancePrecision;
    expect(chance).toBeGreaterThan(0.5);
    expect(chance).toBeLessThan(0.65);
    const [cosine, , lsa32] = result.rows;
    for (const p of cosine.precision) expect(p).toBeGreaterThan(chance);
    expect(cosine.precision[0]).toBeGreaterThan(0.85);
    expect(lsa32.precision[1]).toBeGreaterThan(chance);
  });

  it('is deterministic for a seed: a second run gives the same table', async () => {
    const again = await runSpamRetrieval(corpus, OPTIONS);
    expect(again.rows).toEqual(result.rows);
    expect(formatTable(again)).toBe(formatTable(result));
  }, 60_000);

  it('the table is Markdown with a header, a rule and the chance line; the picture is an SVG of every test e-mail', () => {
    const lines = formatTable(result).split('\n');
    expect(lines[0]).toBe('| Method | Compared by | P@1 | P@10 | P@100 |');
    expect(lines[1]).toBe('|---|---|---:|---:|---:|');
    expect(lines.slice(2, 8).every((l) => /^\| .+ \| .+ \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|$/.test(l))).toBe(true);
    expect(lines[9]).toMatch(/^61 test e-mails queried against 242 training e-mails \(\d+\.\d% spam\); a random ranking scores 0\.\d{3}\.$/);
    const svg = parseXml(documentsFigure(result));
    expect(svg.name).toBe('svg');
    expect(findAll(svg, 'circle')).toHaveLength(result.nTest + 2); // the points and the two legend swatches
  });
});
