/**
 * A small CSV reader and writer for numeric matrices: comma-separated numbers, one sample per
 * line, with an optional header line of column names.
 *
 * @module
 */

/**
 * A numeric table read from CSV.
 *
 * @example
 * ```ts
 * const t = parseCsv('a,b\n1,2\n3,4\n');
 * t.shape;   // [2, 2]
 * t.header;  // ['a', 'b']
 * ```
 */
export interface CsvTable {
  /** Row-major values. */
  data: Float64Array;
  /** `[nRows, nColumns]`. */
  shape: [number, number];
  /** Column names when the first line is a header, else null. */
  header: string[] | null;
}

/**
 * Parses CSV text of decimal numbers. The first non-empty line is a header when any of its
 * fields is not a number. Blank lines are skipped; fields are trimmed; `\r\n` line ends are accepted.
 * Every row must have as many fields as the first.
 *
 * @param source names the input in error messages (a file path).
 * @throws Error naming the source, line and column of the first bad field or ragged row.
 * @example
 * ```ts
 * parseCsv('0.5,1\n2,3', 'x.csv').data; // Float64Array [0.5, 1, 2, 3]
 * ```
 */
export function parseCsv(text: string, source = '<csv>'): CsvTable {
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  let cols = -1;
  const values: number[] = [];
  let rows = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => f.trim());
    if (cols < 0) {
      cols = fields.length;
      if (fields.some((f) => !NUMERIC.test(f))) {
        header = fields;
        continue;
      }
    }
    if (fields.length !== cols) {
      throw new Error(`${source}: line ${ln + 1} has ${fields.length} fields, expected ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      if (!isNumber(fields[j])) {
        throw new Error(`${source}: line ${ln + 1}, column ${j + 1}: ${JSON.stringify(fields[j])} is not a finite number`);
      }
      values.push(Number(fields[j]));
    }
    rows++;
  }
  if (rows === 0) throw new Error(`${source}: no data rows`);
  return { data: Float64Array.from(values), shape: [rows, cols], header };
}

// A decimal number, or a spelling of infinity or NaN (data, although rejected as not finite);
// a first line with any other field is a header.
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;

function isNumber(field: string): boolean {
  return NUMERIC.test(field) && Number.isFinite(Number(field));
}

/**
 * Options for {@link formatCsv}.
 *
 * @example
 * ```ts
 * formatCsv(data, [2, 3], { header: ['z1', 'z2', 'z3'] });
 * ```
 */
export interface FormatCsvOptions {
  /** Column names written as the first line. */
  header?: readonly string[];
  /** Extra columns appended to each row (e.g. labels), one value per row. */
  extraColumns?: readonly { name: string; values: ArrayLike<number> }[];
}

/**
 * Formats a row-major matrix as CSV text ending in a newline. Float32 values are written with
 * the fewest digits that read back to the same float32, float64 values in JavaScript's
 * shortest round-trip form.
 *
 * @throws RangeError when the shape, header or an extra column does not match the data.
 * @example
 * ```ts
 * formatCsv(new Float32Array([0.1, 2]), [1, 2], { header: ['a', 'b'] }); // 'a,b\n0.1,2\n'
 * ```
 */
export function formatCsv(
  data: ArrayLike<number>,
  shape: readonly [number, number] | readonly number[],
  options: FormatCsvOptions = {},
): string {
  const [rows, cols] = shape;
  if (rows * cols !== data.length) throw new RangeError(`formatCsv: shape [${rows}, ${cols}] does not match ${data.length} values`);
  const extra = options.extraColumns ?? [];
  for (const c of extra) {
    if (c.values.length !== rows) throw new RangeError(`formatCsv: column '${c.name}' has ${c.values.length} values, expected ${rows}`);
  }
  if (options.header && options.header.length !== cols) {
    throw new RangeError(`formatCsv: header has ${options.header.length} names, expected ${cols}`);
  }
  const fmt = data instanceof Float32Array ? shortestFloat32 : (v: number) => String(v);
  const out: string[] = [];
  if (options.header || extra.length > 0) {
    const names = options.header ?? Array.from({ length: cols }, (_, j) => `c${j + 1}`);
    out.push([...names, ...extra.map((c) => c.name)].join(','));
  }
  for (let i = 0; i < rows; i++) {
    const fields: string[] = [];
    for (let j = 0; j < cols; j++) fields.push(fmt(data[i * cols + j]));
    for (const c of extra) fields.push(String(c.values[i]));
    out.push(fields.join(','));
  }
  return out.join('\n') + '\n';
}

/** The shortest decimal that parses back to the same float32 (at most 9 significant digits). */
export function shortestFloat32(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v === 0 && Object.is(v, -0) ? '-0' : v);
  for (let p = 1; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}
