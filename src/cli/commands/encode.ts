/**
 * `latent-ts encode --model MODEL.safetensors --data FILE --out CODES.csv [--labels FILE]`.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { asMatrix } from '../../app/matrix.js';
import { UsageError, parseCommand, stringOption, type OptionSpec } from '../args.js';
import { formatCsv } from '../csv.js';
import { readDataFile, readLabelsFile } from '../data-file.js';
import type { CliIo } from '../io.js';
import { loadModelFile } from '../model-file.js';
import { checkOutputFile } from '../out-path.js';
import { HELP } from '../usage.js';

const SPEC: OptionSpec = {
  model: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  labels: { type: 'string' },
};

/**
 * Runs `encode`; returns the exit code. Usage problems throw {@link UsageError}.
 *
 * @example
 * ```ts
 * await encodeCommand(['--model', 'm.safetensors', '--data', 'x.csv', '--out', 'z.csv'], processIo); // 0
 * ```
 */
export async function encodeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'encode';
  const { values, positionals } = parseCommand(cmd, argv, SPEC);
  if (values.help) {
    io.out(HELP.encode);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(cmd, `unexpected argument '${positionals[0]}'`);
  const modelPath = stringOption(values, 'model', cmd, { required: true }) as string;
  const dataPath = stringOption(values, 'data', cmd, { required: true }) as string;
  const outPath = stringOption(values, 'out', cmd, { required: true }) as string;
  const labelsPath = stringOption(values, 'labels', cmd);
  await checkOutputFile(outPath, cmd);

  const model = await loadModelFile(modelPath);
  const X = await readDataFile(dataPath);
  const labels = labelsPath === undefined ? null : await readLabelsFile(labelsPath, X.shape[0]);
  const Z = asMatrix(model.encode(X));
  const header = Array.from({ length: Z.shape[1] }, (_, j) => `z${j + 1}`);
  const extraColumns = labels === null ? [] : [{ name: 'label', values: labels }];
  await writeFile(outPath, formatCsv(Z.data, Z.shape, { header, extraColumns }));
  io.out(`wrote ${Z.shape[0]} codes of ${Z.shape[1]} dimensions to ${outPath}`);
  return 0;
}
