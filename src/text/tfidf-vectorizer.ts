/**
 * `TfidfVectorizer`: {@link CountVectorizer}'s counts reweighted by inverse document frequency
 * and normalised per document, with scikit-learn's defaults (`smooth_idf=True`,
 * `sublinear_tf=False`, `norm='l2'`, `use_idf=True`):
 *
 *   idf(t) = ln((1 + n) / (1 + df(t))) + 1      (smoothIdf; else ln(n / df(t)) + 1)
 *   tf     = count, or 1 + ln(count) with sublinearTf
 *   row    = tf·idf / ‖tf·idf‖₂ (rows without terms stay zero; 'l1' divides by Σ|·|)
 *
 * The idf is learnt by `fit` on the training documents and reused by `transform`.
 *
 * @module
 */
import { NotFittedError, describeValue } from '../errors.js';
import { CsrMatrix } from '../sparse/csr.js';
import { CountVectorizer, resolveCountOptions, type CountVectorizerOptions, type ResolvedCountOptions } from './count-vectorizer.js';

/**
 * Options of {@link TfidfVectorizer}: the counting options of {@link CountVectorizerOptions}
 * and the weighting.
 *
 * @example
 * ```ts
 * new TfidfVectorizer({ stopWords: 'english', sublinearTf: true, minDf: 2 });
 * ```
 */
export interface TfidfVectorizerOptions extends CountVectorizerOptions {
  /** Row normalisation: `'l2'` (default), `'l1'` or null. */
  norm?: 'l1' | 'l2' | null;
  /** Weight by inverse document frequency. Default true. */
  useIdf?: boolean;
  /** Add one to n and to every df, as if one document held every term once. Default true. */
  smoothIdf?: boolean;
  /** Use 1 + ln(count) instead of the count. Default false. */
  sublinearTf?: boolean;
}

/**
 * {@link TfidfVectorizerOptions} with every default filled in (`vectorizer.options`).
 *
 * @example
 * ```ts
 * const o: ResolvedTfidfOptions = new TfidfVectorizer().options; // o.norm === 'l2', o.smoothIdf === true
 * ```
 */
export type ResolvedTfidfOptions = ResolvedCountOptions & Readonly<{
  norm: 'l1' | 'l2' | null;
  useIdf: boolean;
  smoothIdf: boolean;
  sublinearTf: boolean;
}>;

const WEIGHTING = ['norm', 'useIdf', 'smoothIdf', 'sublinearTf'];

function resolveTfidfOptions(options: TfidfVectorizerOptions): ResolvedTfidfOptions {
  const where = 'TfidfVectorizer';
  const counting = resolveCountOptions(options, where, WEIGHTING);
  const bool = (v: unknown, name: string, fallback: boolean): boolean => {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean (got ${describeValue(v)})`);
    return v;
  };
  const norm = options.norm === undefined ? 'l2' : options.norm;
  if (!(norm === null || norm === 'l1' || norm === 'l2')) throw new TypeError(`${where}: norm must be 'l1', 'l2' or null (got ${describeValue(norm)})`);
  return Object.freeze({
    ...counting,
    norm,
    useIdf: bool(options.useIdf, 'useIdf', true),
    smoothIdf: bool(options.smoothIdf, 'smoothIdf', true),
    sublinearTf: bool(options.sublinearTf, 'sublinearTf', false),
  });
}

/**
 * TF-IDF features of documents as a {@link CsrMatrix} `[nDocuments, nTerms]`, equal to
 * scikit-learn's `TfidfVectorizer` with the same options (checked against it on a fixture,
 * test/text/). The columns are the alphabetical terms of `getFeatureNamesOut()`.
 *
 * @example
 * ```ts
 * const tfidf = new TfidfVectorizer({ stopWords: 'english' });
 * const X = tfidf.fitTransform(corpus);        // CsrMatrix, rows of unit L2 norm
 * tfidf.idf;                                   // Float64Array, one weight per term
 * const svd = new TruncatedSVD({ nComponents: 100 }).fit(X); // LSA
 * ```
 */
export class TfidfVectorizer {
  /** The options, defaults filled in. */
  readonly options: ResolvedTfidfOptions;
  private readonly counter: CountVectorizer;
  private idfWeights: Float64Array | null = null;

  constructor(options: TfidfVectorizerOptions = {}) {
    this.options = resolveTfidfOptions(options);
    const { norm: _n, useIdf: _u, smoothIdf: _s, sublinearTf: _t, ...counting } = this.options;
    this.counter = new CountVectorizer(counting);
  }

  /** Learns the vocabulary and the idf of `documents`; returns `this`. */
  fit(documents: readonly string[]): this {
    this.fitTransform(documents);
    return this;
  }

  /** `fit` then `transform` on the same documents (tokenised once). */
  fitTransform(documents: readonly string[]): CsrMatrix {
    const counts = this.counter.fitTransform(documents);
    this.idfWeights = this.options.useIdf ? idfOf(counts, this.options.smoothIdf) : null;
    return this.weigh(counts);
  }

  /** TF-IDF rows of `documents` with the fitted vocabulary and idf. */
  transform(documents: readonly string[]): CsrMatrix {
    if (!this.isFitted) throw new NotFittedError('TfidfVectorizer');
    return this.weigh(this.counter.transform(documents));
  }

  /** Term → column, as scikit-learn's `vocabulary_`. */
  get vocabulary(): ReadonlyMap<string, number> {
    if (!this.isFitted) throw new NotFittedError('TfidfVectorizer');
    return this.counter.vocabulary;
  }

  /** The inverse document frequency of each column (a copy); throws when `useIdf` is false. */
  get idf(): Float64Array {
    if (!this.isFitted) throw new NotFittedError('TfidfVectorizer');
    if (this.idfWeights === null) throw new Error('TfidfVectorizer.idf: useIdf is false, so there is no idf');
    return this.idfWeights.slice();
  }

  /** The terms in column order (alphabetical). */
  getFeatureNamesOut(): string[] {
    if (!this.isFitted) throw new NotFittedError('TfidfVectorizer');
    return this.counter.getFeatureNamesOut();
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.counter.isFitted;
  }

  /** The tokens of one document, as this vectorizer sees them. */
  tokens(document: string): string[] {
    return this.counter.tokens(document);
  }

  private weigh(counts: CsrMatrix): CsrMatrix {
    const { sublinearTf, norm } = this.options;
    const idf = this.idfWeights;
    const w = new Float64Array(counts.nnz);
    for (let p = 0; p < w.length; p++) {
      const c = counts.values[p];
      w[p] = (sublinearTf ? 1 + Math.log(c) : c) * (idf === null ? 1 : idf[counts.indices[p]]);
    }
    if (norm !== null) {
      for (let i = 0; i < counts.rows; i++) {
        let s = 0;
        for (let p = counts.indptr[i]; p < counts.indptr[i + 1]; p++) s += norm === 'l2' ? w[p] * w[p] : Math.abs(w[p]);
        const scale = norm === 'l2' ? Math.sqrt(s) : s;
        if (scale > 0) for (let p = counts.indptr[i]; p < counts.indptr[i + 1]; p++) w[p] /= scale;
      }
    }
    const values = this.options.dtype === 'float32' ? Float32Array.from(w) : w;
    return new CsrMatrix({ indptr: counts.indptr, indices: counts.indices, values, shape: [counts.rows, counts.cols] });
  }
}

/** ln((1 + n)/(1 + df)) + 1 per column (or ln(n/df) + 1 without smoothing). */
function idfOf(counts: CsrMatrix, smooth: boolean): Float64Array {
  const df = new Float64Array(counts.cols);
  for (let p = 0; p < counts.nnz; p++) if (counts.values[p] !== 0) df[counts.indices[p]]++;
  const n = counts.rows + (smooth ? 1 : 0);
  return Float64Array.from(df, (d) => Math.log(n / (d + (smooth ? 1 : 0))) + 1);
}
