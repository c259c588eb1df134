import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as realFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileBytes, writeFileAtomic, type AtomicFileHandle, type AtomicFs } from '../../src/io/node-file.js';

let dir = '';
beforeEach(async () => {
  dir = await realFs.mkdtemp(join(tmpdir(), 'latent-ts-io-'));
});
afterEach(async () => {
  await realFs.rm(dir, { recursive: true, force: true });
});

const bytes = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 0xff);

/** A real file system that fails at one step; `write` fails after writing half the bytes. */
function failingFs(step: 'open' | 'write' | 'sync' | 'close' | 'rename'): AtomicFs {
  const boom = () => new Error(`injected ${step} failure`);
  return {
    async open(path, flags, mode) {
      if (step === 'open') throw boom();
      const h = await realFs.open(path, flags, mode);
      const handle: AtomicFileHandle = {
        async writeFile(data) {
          if (step !== 'write') return h.writeFile(data);
          await h.write(data, 0, data.length >> 1);
          throw boom();
        },
        async sync() {
          if (step === 'sync') throw boom();
          return h.sync();
        },
        async close() {
          await h.close();
          if (step === 'close') throw boom();
        },
      };
      return handle;
    },
    async rename(from, to) {
      if (step === 'rename') throw boom();
      return realFs.rename(from, to);
    },
    unlink: (p) => realFs.unlink(p),
  };
}

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an existing one', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFileAtomic(path, bytes(1000, 1));
    expect(await readFileBytes(path)).toEqual(bytes(1000, 1));
    await writeFileAtomic(path, bytes(10, 2));
    expect(await readFileBytes(path)).toEqual(bytes(10, 2));
    expect(await realFs.readdir(dir)).toEqual(['model.safetensors']);
  });

  it('writes an empty file', async () => {
    const path = join(dir, 'empty.bin');
    await writeFileAtomic(path, new Uint8Array(0));
    expect((await readFileBytes(path)).length).toBe(0);
  });

  it.each(['open', 'write', 'sync', 'close', 'rename'] as const)(
    'leaves the old file byte-identical and no temp file when %s fails',
    async (step) => {
      const path = join(dir, 'model.safetensors');
      const old = bytes(4096, 3);
      await realFs.writeFile(path, old);
      await expect(writeFileAtomic(path, bytes(8192, 4), { fs: failingFs(step) })).rejects.toThrow(`injected ${step} failure`);
      expect(await readFileBytes(path)).toEqual(old);
      expect(await realFs.readdir(dir)).toEqual(['model.safetensors']);
    },
  );

  it('creates no file when the first write fails', async () => {
    const path = join(dir, 'new.bin');
    await expect(writeFileAtomic(path, bytes(100, 5), { fs: failingFs('write') })).rejects.toThrow('injected');
    expect(await realFs.readdir(dir)).toEqual([]);
  });

  it('fails cleanly when the directory does not exist', async () => {
    const path = join(dir, 'missing', 'x.bin');
    await expect(writeFileAtomic(path, bytes(4, 0))).rejects.toThrow(
      `writeFileAtomic: cannot write ${path}: the directory ${join(dir, 'missing')} does not exist (ENOENT)`,
    );
    await expect(writeFileAtomic(path, bytes(4, 0), { where: 'PCA.save' })).rejects.toThrow(/^PCA\.save: cannot write .*x\.bin: /);
    expect(await realFs.readdir(dir)).toEqual([]);
  });

  it('rejects bad arguments', async () => {
    await expect(writeFileAtomic('', bytes(1, 0))).rejects.toThrow(/path must be a non-empty string/);
    await expect(writeFileAtomic(join(dir, 'a'), [1, 2] as never)).rejects.toThrow(/bytes must be a Uint8Array/);
  });
});

describe('readFileBytes', () => {
  it('returns a plain Uint8Array with the file content', async () => {
    const path = join(dir, 'data.bin');
    await realFs.writeFile(path, bytes(300, 6));
    const out = await readFileBytes(path);
    expect(out.constructor).toBe(Uint8Array);
    expect(out).toEqual(bytes(300, 6));
  });

  it('reports a missing file with its path', async () => {
    const path = join(dir, 'nope.idx');
    await expect(readFileBytes(path)).rejects.toThrow(`readFileBytes: ${path} does not exist`);
    await expect(readFileBytes(dir, 'loadIdx')).rejects.toThrow(`loadIdx: ${dir} is a directory, not a file`);
  });
});

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips through a file and names the file in errors', async () => {
    const { saveSafetensors, loadSafetensors } = await import('../../src/io/safetensors-file.js');
    const path = join(dir, 'model.safetensors');
    const data = new Float32Array([1, -0, NaN, 1e-40]);
    await saveSafetensors(path, { w: { dtype: 'F32', shape: [2, 2], data } }, { model: 'PCA' });
    const back = await loadSafetensors(path);
    expect(back.metadata.model).toBe('PCA');
    expect(new Uint8Array(back.tensors.w.data.buffer)).toEqual(new Uint8Array(data.buffer));
    const bytes = await readFileBytes(path);
    bytes[bytes.length - 1] ^= 1;
    await realFs.writeFile(path, bytes);
    await expect(loadSafetensors(path)).rejects.toThrow(`decodeSafetensors: ${path}: checksum mismatch`);
  });

  it('keeps the old file when the save fails', async () => {
    const { saveSafetensors } = await import('../../src/io/safetensors-file.js');
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, { w: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) } });
    const old = await readFileBytes(path);
    await expect(
      saveSafetensors(path, { w: { dtype: 'U8', shape: [2], data: new Uint8Array([2, 3]) } }, {}, { fs: failingFs('write') }),
    ).rejects.toThrow('injected write failure');
    expect(await readFileBytes(path)).toEqual(old);
  });
});
