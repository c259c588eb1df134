import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIRS = ['src/io', 'src/data', 'src/hashing', 'src/viz'];
const files = DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts')).map((f) => join(d, f)));

describe('browser safety of io, data, hashing and viz', () => {
  it.each(files)('%s has no static Node import and no Math.random', (file) => {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    // Node built-ins may only be loaded with a dynamic import() inside a function.
    expect(code).not.toMatch(/^\s*import\s[^;]*from\s+['"](node:|fs|path|os|zlib|module)/m);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/Math\.random/);
  });

  it('loads the barrels without touching the file system', async () => {
    const mods = await Promise.all([
      import('../../src/io/index.js'), import('../../src/data/index.js'),
      import('../../src/hashing/index.js'), import('../../src/viz/index.js'),
    ]);
    for (const m of mods) expect(Object.keys(m).length).toBeGreaterThan(0);
  });
});
