// Prints the README's quick start: the first ```ts block under "## Quick start", verbatim, so the
// package check runs exactly what a user copies and cannot drift from it.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8');
const heading = text.indexOf('\n## Quick start\n');
if (heading < 0) throw new Error(`extract-quickstart: no "## Quick start" heading in ${process.argv[2]}`);
const next = text.indexOf('\n## ', heading + 1);
const section = text.slice(heading, next < 0 ? undefined : next);
const block = /```ts\n([\s\S]*?)```/.exec(section);
if (!block) throw new Error(`extract-quickstart: no \`\`\`ts block under "## Quick start" in ${process.argv[2]}`);
if (!/from 'latent-ts'/.test(block[1])) throw new Error("extract-quickstart: the quick start does not import from 'latent-ts'");
process.stdout.write(block[1]);
