/**
 * `latent-ts sample --model MODEL.safetensors -n N --out SAMPLES.{svg,png,csv} [options]`.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { imageGridPng } from '../../viz/image-grid-png.js';
import { imageGridSvg } from '../../viz/image-grid.js';
import { UsageError, intOption, parseCommand, stringOption, type OptionSpec } from '../args.js';
import { formatCsv } from '../csv.js';
import { parseSeed, type CliIo } from '../io.js';
import { loadModelFile } from '../model-file.js';
import { checkOutputFile } from '../out-path.js';
import { displayRange, imageShapeFor, sampleRows } from '../sampling.js';
import { HELP } from '../usage.js';

const SPEC: OptionSpec = {
  model: { type: 'string' },
  n: { type: 'string', short: 'n' },
  out: { type: 'string' },
  seed: { type: 'string' },
  columns: { type: 'string' },
  'image-shape': { type: 'string' },
};

/**
 * Runs `sample`; returns the exit code. Usage problems throw {@link UsageError}.
 *
 * @example
 * ```ts
 * await sampleCommand(['--model', 'vae.safetensors', '-n', '64', '--out', 's.svg'], processIo); // 0
 * ```
 */
export async function sampleCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'sample';
  const { values, positionals } = parseCommand(cmd, argv, SPEC);
  if (values.help) {
    io.out(HELP.sample);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(cmd, `unexpected argument '${positionals[0]}'`);
  const modelPath = stringOption(values, 'model', cmd, { required: true }) as string;
  const outPath = stringOption(values, 'out', cmd, { required: true }) as string;
  if (values.n === undefined) throw new UsageError(cmd, 'missing required option -n');
  const n = intOption(values, 'n', cmd, undefined, { min: 1, max: 10000 }) as number;
  const columns = intOption(values, 'columns', cmd, 8, { min: 1 }) as number;
  const seed = parseSeed(stringOption(values, 'seed', cmd), 0);
  const shapeText = stringOption(values, 'image-shape', cmd);
  const given = shapeText === undefined ? undefined : parseImageShape(shapeText);
  const format = outputFormat(outPath);
  await checkOutputFile(outPath, cmd);

  const model = await loadModelFile(modelPath);
  const samples = sampleRows(model, n, seed);
  if (format === 'csv') {
    await writeFile(outPath, formatCsv(samples.data, samples.shape));
  } else {
    const imageShape = imageShapeFor(samples.shape[1], given);
    const grid = { imageShape, columns, valueRange: displayRange(samples.data) };
    await writeFile(outPath, format === 'png' ? imageGridPng(samples, grid) : imageGridSvg(samples, { ...grid, title: `${n} samples` }));
  }
  io.out(`wrote ${n} samples to ${outPath}`);
  return 0;
}

/** The file type `--out` names by its extension (any case). */
function outputFormat(path: string): 'svg' | 'png' | 'csv' {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1].toLowerCase();
  if (ext === 'svg' || ext === 'png' || ext === 'csv') return ext;
  throw new UsageError('sample', `--out must end in .svg or .png (an image grid) or .csv (the values), got ${JSON.stringify(path)}`);
}

function parseImageShape(text: string): [number, number] {
  const m = /^(\d+)[x×](\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError('sample', `--image-shape must be HxW, e.g. 28x28 (got ${JSON.stringify(text)})`);
  return [Number(m[1]), Number(m[2])];
}
