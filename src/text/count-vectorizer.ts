/**
 * `CountVectorizer`: documents to a sparse matrix of token counts, with scikit-learn's defaults
 * (lower case, token pattern `(?u)\b\w\w+\b`, unigrams) and its vocabulary rules: terms sorted
 * alphabetically, then pruned by document frequency (`minDf`, `maxDf`) and limited to the
 * `maxFeatures` most frequent. Not an NLP toolkit: no stemming, n-grams or accents stripping;
 * enough to turn a corpus into the CSR matrix that LSA (`TruncatedSVD`) needs.
 *
 * @module
 */
import { NotFittedError } from '../errors.js';
import { assertKnownOptions } from '../models/options.js';
import { CsrMatrix, type SparseDType } from '../sparse/csr.js';
import { describeValue } from '../errors.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';
import { compareCodePoints, tokenize } from './tokenize.js';

/**
 * Options of {@link CountVectorizer} (and of {@link TfidfVectorizer}'s counting step).
 *
 * @example
 * ```ts
 * new CountVectorizer({ stopWords: 'english', minDf: 2, maxDf: 0.9, maxFeatures: 5000 });
 * ```
 */
export interface CountVectorizerOptions {
  /** Lower-case documents before tokenising. Default true. */
  lowercase?: boolean;
  /** `'english'` (scikit-learn's 318-word list), a list of words, or null (default): none. */
  stopWords?: 'english' | readonly string[] | null;
  /**
   * Drop terms in fewer documents than this: an integer is a document count, a fraction in
   * [0, 1) a proportion of the documents. Default 1.
   */
  minDf?: number;
  /**
   * Drop terms in more documents than this: an integer ≥ 1 is a document count (so `1` keeps
   * terms of a single document, as scikit-learn's integer 1), a fraction in [0, 1) a
   * proportion. Default null: no upper limit (scikit-learn's 1.0).
   */
  maxDf?: number | null;
  /** Keep only this many terms, the most frequent over the corpus (ties: alphabetical). Default null: all. */
  maxFeatures?: number | null;
  /** Store 1 for every term present instead of its count. Default false. */
  binary?: boolean;
  /** Storage of the matrix values. Default `'float64'`. */
  dtype?: SparseDType;
}

/**
 * {@link CountVectorizerOptions} with every default filled in (`vectorizer.options`).
 *
 * @example
 * ```ts
 * const o: ResolvedCountOptions = new CountVectorizer().options; // o.minDf === 1, o.maxDf === null
 * ```
 */
export type ResolvedCountOptions = Readonly<{
  lowercase: boolean;
  stopWords: 'english' | readonly string[] | null;
  minDf: number;
  maxDf: number | null;
  maxFeatures: number | null;
  binary: boolean;
  dtype: SparseDType;
}>;

const KNOWN = ['lowercase', 'stopWords', 'minDf', 'maxDf', 'maxFeatures', 'binary', 'dtype'];

function dfLimit(value: unknown, name: string, where: string): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0 && (Number.isInteger(value) || value < 1);
  if (!ok) throw new RangeError(`${where}: ${name} must be an integer document count >= 0 or a proportion in [0, 1) (got ${describeValue(value)})`);
  return value;
}

/**
 * Checks vectorizer options and fills the defaults; TypeError for unknown names or wrong
 * kinds, RangeError for bad values.
 *
 * @example
 * ```ts
 * resolveCountOptions({ minDf: 2 }, 'CountVectorizer').maxDf; // null
 * ```
 */
export function resolveCountOptions(options: CountVectorizerOptions, where: string, extra: readonly string[] = []): ResolvedCountOptions {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object (got ${describeValue(options)})`);
  assertKnownOptions(options, [...KNOWN, ...extra], where);
  const bool = (v: unknown, name: string, fallback: boolean): boolean => {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean (got ${describeValue(v)})`);
    return v;
  };
  const stopWords = options.stopWords ?? null;
  if (!(stopWords === null || stopWords === 'english' || (Array.isArray(stopWords) && stopWords.every((w) => typeof w === 'string')))) {
    throw new TypeError(`${where}: stopWords must be 'english', an array of strings or null (got ${describeValue(stopWords)})`);
  }
  const maxFeatures = options.maxFeatures ?? null;
  if (maxFeatures !== null && !(Number.isInteger(maxFeatures) && maxFeatures >= 1)) {
    throw new RangeError(`${where}: maxFeatures must be an integer >= 1 or null (got ${describeValue(maxFeatures)})`);
  }
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`${where}: dtype must be 'float32' or 'float64' (got ${describeValue(dtype)})`);
  return Object.freeze({
    lowercase: bool(options.lowercase, 'lowercase', true),
    stopWords: Array.isArray(stopWords) ? Object.freeze(stopWords.slice()) : stopWords,
    minDf: dfLimit(options.minDf ?? 1, 'minDf', where),
    maxDf: options.maxDf === undefined || options.maxDf === null ? null : dfLimit(options.maxDf, 'maxDf', where),
    maxFeatures,
    binary: bool(options.binary, 'binary', false),
    dtype,
  });
}

function readDocuments(docs: unknown, where: string): readonly string[] {
  if (!Array.isArray(docs)) throw new TypeError(`${where}: documents must be an array of strings (got ${describeValue(docs)})`);
  docs.forEach((d, i) => {
    if (typeof d !== 'string') throw new TypeError(`${where}: documents[${i}] must be a string (got ${describeValue(d)})`);
  });
  return docs as readonly string[];
}

/**
 * Token counts of documents as a {@link CsrMatrix} `[nDocuments, nTerms]`, with scikit-learn's
 * `CountVectorizer` defaults and vocabulary rules. Column j is the j-th term of
 * `getFeatureNamesOut()` (alphabetical); `transform` ignores terms not in the vocabulary.
 *
 * @example
 * ```ts
 * const cv = new CountVectorizer({ stopWords: 'english' });
 * const X = cv.fitTransform(['The cat sat.', 'The cat ate the rat.']); // CsrMatrix [2, 4]
 * cv.getFeatureNamesOut();  // ['ate', 'cat', 'rat', 'sat']
 * cv.vocabulary.get('rat'); // 2
 * ```
 */
export class CountVectorizer {
  /** The options, defaults filled in. */
  readonly options: ResolvedCountOptions;
  private terms: readonly string[] | null = null;
  private index: ReadonlyMap<string, number> | null = null;
  private readonly stop: ReadonlySet<string> | null;

  constructor(options: CountVectorizerOptions = {}) {
    this.options = resolveCountOptions(options, 'CountVectorizer');
    const s = this.options.stopWords;
    this.stop = s === null ? null : s === 'english' ? ENGLISH_STOP_WORDS : new Set(s);
  }

  /** Learns the vocabulary of `documents` and returns `this`. */
  fit(documents: readonly string[]): this {
    this.fitCounts(documents, 'CountVectorizer.fit');
    return this;
  }

  /** `fit` then `transform` on the same documents (tokenised once). */
  fitTransform(documents: readonly string[]): CsrMatrix {
    return this.fitCounts(documents, 'CountVectorizer.fitTransform');
  }

  /** The counts of `documents` over the fitted vocabulary: CsrMatrix `[nDocuments, nTerms]`. */
  transform(documents: readonly string[]): CsrMatrix {
    const where = 'CountVectorizer.transform';
    const index = this.fitted().index;
    return this.countRows(readDocuments(documents, where).map((d) => this.tokens(d)), index, index.size);
  }

  /** Term → column, as scikit-learn's `vocabulary_`. */
  get vocabulary(): ReadonlyMap<string, number> {
    return this.fitted().index;
  }

  /** The terms in column order (alphabetical), as scikit-learn's `get_feature_names_out()`. */
  getFeatureNamesOut(): string[] {
    return this.fitted().terms.slice();
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.terms !== null;
  }

  /** The tokens of one document, as this vectorizer sees them. */
  tokens(document: string): string[] {
    return tokenize(document, this.options.lowercase, this.stop);
  }

  private fitted(): { terms: readonly string[]; index: ReadonlyMap<string, number> } {
    if (this.terms === null || this.index === null) throw new NotFittedError('CountVectorizer');
    return { terms: this.terms, index: this.index };
  }

  private fitCounts(documents: readonly string[], where: string): CsrMatrix {
    const docs = readDocuments(documents, where);
    const tokens = docs.map((d) => this.tokens(d));
    const all = new Set<string>();
    for (const t of tokens) for (const w of t) all.add(w);
    if (all.size === 0) throw new RangeError(`${where}: empty vocabulary; the documents contain no tokens of two or more word characters (or only stop words)`);
    const sorted = [...all].sort(compareCodePoints);
    const full = new Map(sorted.map((w, i) => [w, i]));
    const counts = this.countRows(tokens, full, sorted.length);
    const keep = this.selectTerms(counts, docs.length, where);
    const terms = keep.map((j) => sorted[j]);
    const remap = new Int32Array(sorted.length).fill(-1);
    keep.forEach((j, q) => { remap[j] = q; });
    const index = new Map(terms.map((w, i) => [w, i]));
    this.terms = Object.freeze(terms);
    this.index = index;
    return keep.length === sorted.length ? counts : selectColumns(counts, remap, keep.length);
  }

  /** The columns kept by minDf, maxDf and maxFeatures, in alphabetical order. */
  private selectTerms(counts: CsrMatrix, nDocs: number, where: string): number[] {
    const { minDf, maxDf, maxFeatures } = this.options;
    const d = counts.cols;
    const df = new Float64Array(d);
    const total = new Float64Array(d);
    for (let p = 0; p < counts.nnz; p++) {
      df[counts.indices[p]]++;
      total[counts.indices[p]] += counts.values[p];
    }
    const minCount = Number.isInteger(minDf) ? minDf : minDf * nDocs;
    const maxCount = maxDf === null ? Infinity : Number.isInteger(maxDf) ? maxDf : maxDf * nDocs;
    if (maxCount < minCount) throw new RangeError(`${where}: maxDf (${String(maxDf)}, ${maxCount} documents) is below minDf (${minDf}, ${minCount} documents)`);
    let keep: number[] = [];
    for (let j = 0; j < d; j++) if (df[j] >= minCount && df[j] <= maxCount) keep.push(j);
    if (maxFeatures !== null && keep.length > maxFeatures) {
      // The most frequent terms over the corpus; a stable sort keeps ties alphabetical.
      keep = keep.slice().sort((a, b) => total[b] - total[a]).slice(0, maxFeatures).sort((a, b) => a - b);
    }
    if (keep.length === 0) throw new RangeError(`${where}: after pruning by minDf = ${minDf} and maxDf = ${String(maxDf)}, no terms remain; lower minDf or raise maxDf`);
    return keep;
  }

  /** Counts of tokenised documents over `index` (unknown tokens skipped), columns sorted. */
  private countRows(tokens: readonly string[][], index: ReadonlyMap<string, number>, nCols: number): CsrMatrix {
    const indptr = new Int32Array(tokens.length + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    const row = new Map<number, number>();
    tokens.forEach((t, i) => {
      row.clear();
      for (const w of t) {
        const j = index.get(w);
        if (j !== undefined) row.set(j, (row.get(j) ?? 0) + 1);
      }
      const js = [...row.keys()].sort((a, b) => a - b);
      for (const j of js) {
        cols.push(j);
        vals.push(this.options.binary ? 1 : (row.get(j) as number));
      }
      indptr[i + 1] = cols.length;
    });
    const values = this.options.dtype === 'float32' ? Float32Array.from(vals) : Float64Array.from(vals);
    return new CsrMatrix({ indptr, indices: Int32Array.from(cols), values, shape: [tokens.length, nCols] });
  }
}

/** The columns of X with remap[j] ≥ 0, renumbered (remap is increasing on them). */
function selectColumns(X: CsrMatrix, remap: Int32Array, nCols: number): CsrMatrix {
  const indptr = new Int32Array(X.rows + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) {
      const q = remap[X.indices[p]];
      if (q >= 0) {
        cols.push(q);
        vals.push(X.values[p]);
      }
    }
    indptr[i + 1] = cols.length;
  }
  const values = X.values instanceof Float32Array ? Float32Array.from(vals) : Float64Array.from(vals);
  return new CsrMatrix({ indptr, indices: Int32Array.from(cols), values, shape: [X.rows, nCols] });
}
