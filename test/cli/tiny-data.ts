/**
 * A tiny labelled data set for CLI tests: 4×4 "images" in [0, 1] of three classes (a bar at
 * rows 0, 1 or 2) with noise, written as CSV with a header, plus a one-column label CSV.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/random/rng.js';

export const TINY_ROWS = 60;
export const TINY_FEATURES = 16;

/** Writes `data.csv` and `labels.csv` into `dir` and returns their paths. */
export function writeTinyData(dir: string): { data: string; labels: string } {
  const rng = new Rng(11);
  const rows: string[] = [Array.from({ length: TINY_FEATURES }, (_, j) => `p${j}`).join(',')];
  const labels: string[] = ['label'];
  for (let i = 0; i < TINY_ROWS; i++) {
    const c = i % 3;
    const values = Array.from({ length: TINY_FEATURES }, (_, j) => {
      const on = Math.floor(j / 4) === c ? 0.8 : 0.1;
      return Math.min(1, Math.max(0, on + 0.1 * rng.normal())).toFixed(4);
    });
    rows.push(values.join(','));
    labels.push(String(c));
  }
  const data = join(dir, 'data.csv');
  const labelPath = join(dir, 'labels.csv');
  writeFileSync(data, rows.join('\n') + '\n');
  writeFileSync(labelPath, labels.join('\n') + '\n');
  return { data, labels: labelPath };
}
