/**
 * Text to sparse vectors: tokens, vocabulary, counts and TF-IDF.
 *
 * @module
 */
export { CountVectorizer, type CountVectorizerOptions, type ResolvedCountOptions } from './count-vectorizer.js';
export { TfidfVectorizer, type TfidfVectorizerOptions, type ResolvedTfidfOptions } from './tfidf-vectorizer.js';
export { ENGLISH_STOP_WORDS } from './stop-words.js';
export { tokenize } from './tokenize.js';
