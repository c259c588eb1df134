/**
 * CountVectorizer and TfidfVectorizer against scikit-learn on the corpus of
 * scripts/fixtures/corpus.py (fixture: test/fixtures/text/tfidf.json, written by
 * scripts/fixtures/tfidf.py): the same vocabulary, idf and matrix, on the training documents and
 * on held-out ones; then tokenisation, the options and their errors on fixed strings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NotFittedError } from '../../src/errors.js';
import type { CsrMatrix } from '../../src/sparse/csr.js';
import { CountVectorizer, type CountVectorizerOptions } from '../../src/text/count-vectorizer.js';
import { ENGLISH_STOP_WORDS } from '../../src/text/stop-words.js';
import { TfidfVectorizer, type TfidfVectorizerOptions } from '../../src/text/tfidf-vectorizer.js';
import { compareCodePoints, tokenize } from '../../src/text/tokenize.js';

interface Csr { shape: [number, number]; indptr: number[]; indices: number[]; values: number[] }
interface Case { name: string; kind: 'count' | 'tfidf'; options: TfidfVectorizerOptions; features: string[]; fit: Csr; heldOut: Csr; idf?: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/text/tfidf.json', import.meta.url), 'utf8')) as {
  documents: string[]; heldOut: string[]; cases: Case[];
};

function expectSameCsr(actual: CsrMatrix, expected: Csr, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect([...actual.indptr], what).toEqual(expected.indptr);
  expect([...actual.indices], what).toEqual(expected.indices);
  let worst = 0;
  for (let p = 0; p < expected.values.length; p++) worst = Math.max(worst, Math.abs(actual.values[p] - expected.values[p]));
  expect(worst, `${what}: largest difference from scikit-learn`).toBeLessThanOrEqual(1e-14);
}

describe('vectorizers equal scikit-learn', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const v = c.kind === 'tfidf' ? new TfidfVectorizer(c.options) : new CountVectorizer(c.options as CountVectorizerOptions);
      const X = v.fitTransform(fixture.documents);
      expect(v.getFeatureNamesOut()).toEqual(c.features);
      expect([...v.vocabulary.entries()].sort((a, b) => a[1] - b[1]).map(([t]) => t)).toEqual(c.features);
      expectSameCsr(X, c.fit, `${c.name} fit`);
      expectSameCsr(v.transform(fixture.heldOut), c.heldOut, `${c.name} held out`);
      if (c.idf !== undefined) {
        const idf = (v as TfidfVectorizer).idf;
        expect(idf.length).toBe(c.idf.length);
        for (let j = 0; j < idf.length; j++) expect(Math.abs(idf[j] - c.idf[j])).toBeLessThanOrEqual(1e-14);
      }
      // fit then transform is fitTransform.
      const again = c.kind === 'tfidf' ? new TfidfVectorizer(c.options) : new CountVectorizer(c.options as CountVectorizerOptions);
      expectSameCsr(again.fit(fixture.documents).transform(fixture.documents), c.fit, `${c.name} fit + transform`);
    });
  }
});

describe('tokenisation', () => {
  it('keeps runs of two or more Unicode word characters, lower-cased, as scikit-learn', () => {
    expect(tokenize("It's a café-crème, naïve Zürich_2030 x 42!", true, null)).toEqual(['it', 'café', 'crème', 'naïve', 'zürich_2030', '42']);
    expect(tokenize('ΑΒΓ δε', true, null)).toEqual(['αβγ', 'δε']);
    expect(tokenize('Keep Case', false, null)).toEqual(['Keep', 'Case']);
    expect(tokenize('the cat and the hat', true, ENGLISH_STOP_WORDS)).toEqual(['cat', 'hat']);
    expect(ENGLISH_STOP_WORDS.size).toBe(318);
  });

  it('sorts by code point, as Python does', () => {
    expect(['b', 'a', '😀', '\uffff', 'ab'].sort(compareCodePoints)).toEqual(['a', 'ab', 'b', '\uffff', '😀']);
  });
});

describe('vectorizer options and errors', () => {
  const docs = ['apple banana', 'banana cherry', 'cherry banana banana'];

  it('minDf and maxDf as counts and proportions; maxFeatures by corpus frequency', () => {
    expect(new CountVectorizer({ minDf: 2 }).fit(docs).getFeatureNamesOut()).toEqual(['banana', 'cherry']);
    expect(new CountVectorizer({ maxDf: 2 }).fit(docs).getFeatureNamesOut()).toEqual(['apple', 'cherry']);
    expect(new CountVectorizer({ maxDf: 0.5 }).fit(docs).getFeatureNamesOut()).toEqual(['apple']);
    expect(new CountVectorizer({ minDf: 0.9 }).fit(docs).getFeatureNamesOut()).toEqual(['banana']);
    expect(new CountVectorizer({ maxFeatures: 2 }).fit(docs).getFeatureNamesOut()).toEqual(['banana', 'cherry']);
    expect(new CountVectorizer({ stopWords: ['banana'] }).fit(docs).getFeatureNamesOut()).toEqual(['apple', 'cherry']);
    const X = new CountVectorizer({ dtype: 'float32' }).fitTransform(docs);
    expect(X.values).toBeInstanceOf(Float32Array);
    expect([...X.toDense().data]).toEqual([1, 1, 0, 0, 1, 1, 0, 2, 1]);
  });

  it('TF-IDF rows have unit norm and an empty document gives an empty row', () => {
    const t = new TfidfVectorizer();
    t.fit(docs);
    const X = t.transform(['banana apple', 'durian']);
    expect([...X.indptr]).toEqual([0, 2, 2]);
    const s = X.values[0] ** 2 + X.values[1] ** 2;
    expect(Math.abs(s - 1)).toBeLessThan(1e-15);
  });

  it('rejects bad options and inputs, naming them', () => {
    expect(() => new CountVectorizer({ minDf: 1.5 })).toThrow(/CountVectorizer: minDf must be an integer document count >= 0 or a proportion in \[0, 1\) \(got 1\.5\)/);
    expect(() => new CountVectorizer({ maxDf: -1 })).toThrow(/maxDf must be/);
    expect(() => new CountVectorizer({ maxFeatures: 0 })).toThrow(/maxFeatures must be an integer >= 1/);
    expect(() => new CountVectorizer({ stopWords: 'french' as 'english' })).toThrow(/stopWords must be 'english'/);
    expect(() => new CountVectorizer({ min_df: 2 } as CountVectorizerOptions)).toThrow(/unknown option 'min_df'; did you mean 'minDf'\?/);
    expect(() => new TfidfVectorizer({ norm: 'l3' as 'l2' })).toThrow(/TfidfVectorizer: norm must be 'l1', 'l2' or null/);
    expect(() => new TfidfVectorizer({ smoothidf: false } as TfidfVectorizerOptions)).toThrow(/did you mean 'smoothIdf'/);
    expect(() => new CountVectorizer().fit('one string' as unknown as string[])).toThrow(/CountVectorizer\.fit: documents must be an array of strings/);
    expect(() => new CountVectorizer().fit(['ok', 3 as unknown as string])).toThrow(/documents\[1\] must be a string \(got 3\)/);
    expect(() => new CountVectorizer().fit(['a', '!'])).toThrow(/empty vocabulary/);
    expect(() => new CountVectorizer({ stopWords: 'english' }).fit(['the and of'])).toThrow(/empty vocabulary/);
    expect(() => new CountVectorizer({ minDf: 4 }).fit(docs)).toThrow(/no terms remain/);
    expect(() => new CountVectorizer({ minDf: 3, maxDf: 1 }).fit(docs)).toThrow(/maxDf \(1, 1 documents\) is below minDf \(3, 3 documents\)/);
    expect(() => new CountVectorizer().transform(docs)).toThrow(NotFittedError);
    expect(() => new TfidfVectorizer().idf).toThrow(NotFittedError);
    expect(() => new TfidfVectorizer({ useIdf: false }).fit(docs).idf).toThrow(/useIdf is false/);
  });
});
