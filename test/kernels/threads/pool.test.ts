/**
 * The worker pool: failures surface as errors from the call that used the worker (never a
 * hang), the pool recovers, idle workers do not keep a process alive, the worker script's slot
 * layout agrees with control.ts, and the thread setting validates its input.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as control from '../../../src/kernels/threads/control.js';
import { workerHost } from '../../../src/kernels/threads/host.js';
import { type Task, ThreadPool } from '../../../src/kernels/threads/pool.js';
import { DEFAULT_THREADS_CAP, MAX_THREADS, availableCores, getThreads, setThreads, threadPool, threadsSupported, withSharedPoolDeferred } from '../../../src/kernels/threads/threads.js';
import { gemm } from '../../../src/kernels/gemm.js';
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from '../../../src/kernels/threads/worker-source.js';
import { sharedGemmModule } from '../../../src/kernels/wasm/runtime.js';

const supported = threadsSupported();
const envScript = fileURLToPath(new URL('./fixtures/threads-env.ts', import.meta.url));
const exitScript = fileURLToPath(new URL('./fixtures/threads-exit.ts', import.meta.url));

function newPool(workers: number): ThreadPool {
  const host = workerHost();
  const gemm = sharedGemmModule();
  if (host === null || gemm === null) throw new Error('threads unsupported');
  return new ThreadPool(host, gemm.module, workers, 1 << 16);
}

/** The diagnostics task: the worker throws (1) or ends its thread (2). */
const fail = (how: 1 | 2): Task => ({ command: control.COMMAND_FAIL, write: (ctl, _f, at) => { ctl[at] = how; } });

describe('worker script', () => {
  it('uses the slot layout of control.ts', () => {
    const literals = `SLOT_INTS = ${control.SLOT_BYTES / 4}, SEQ = ${control.SEQ}, DONE = ${control.DONE}, STATUS = ${control.STATUS}, ` +
      `READY = ${control.READY}, COMMAND = ${control.COMMAND}, ARGS = ${control.ARGS}, MESSAGE_AT = ${control.MESSAGE_AT}, ` +
      `MESSAGE_BYTES = ${control.MESSAGE_BYTES};`;
    for (const source of [NODE_WORKER_SOURCE, BROWSER_WORKER_SOURCE]) {
      expect(source).toContain(literals);
      expect(source).toContain(`data.slot * ${control.SLOT_BYTES}`);
      expect(source).toContain(`command === ${control.COMMAND_GEMM}`);
      expect(source).toContain(`command === ${control.COMMAND_FAIL}`);
      expect(source).toContain(`command === ${control.COMMAND_GRAM}`);
      expect(source).toContain(`command === ${control.COMMAND_PANELS_F64}`);
      expect(source).toContain(`command === ${control.COMMAND_CALLS}`);
      expect(source).toContain(`command === ${control.COMMAND_HAMMING}`);
      expect(source).toContain(`report(${control.STATUS_DEAD},`);
      expect(source).toContain(`report(${control.STATUS_ERROR}, error)`);
    }
  });
});

describe.skipIf(!supported)('ThreadPool', () => {
  const pools: ThreadPool[] = [];
  afterEach(() => {
    for (const p of pools.splice(0)) p.close();
  });

  it('reports a task that throws as an error of that call, and keeps working', async () => {
    const pool = newPool(2);
    pools.push(pool);
    await pool.ready();
    let mainRan = false;
    expect(() => pool.run([fail(1), fail(1)], () => { mainRan = true; })).toThrow(
      /ThreadPool\.run: Error: worker 0: failure requested.*; Error: worker 1: failure requested/s,
    );
    expect(mainRan).toBe(true);
    // The workers caught the error and wait for the next task.
    expect(() => pool.run([fail(1)], () => undefined)).toThrow(/worker 0: failure requested/);
    expect(pool.failed).toBeUndefined();
  });

  it('reports a worker whose thread ends mid-task, then refuses to run until replaced', async () => {
    const pool = newPool(1);
    pools.push(pool);
    await pool.ready();
    expect(() => pool.run([fail(2)], () => undefined)).toThrow(/worker 0 ended: exit code 70/);
    expect(() => pool.run([], () => undefined)).toThrow(/ThreadPool\.run: worker 0 ended in an earlier call/);
  });

  it('lets the shared pool recover: the failure is reported once, then a new pool is made', async () => {
    setThreads(2);
    const pool = threadPool(2, 1 << 16);
    await pool?.ready();
    expect(() => pool?.run([fail(2)], () => undefined)).toThrow(/ended/);
    expect(() => threadPool(2, 1 << 16)).toThrow(/latent-ts threads: worker 0 ended in an earlier call/);
    const fresh = threadPool(2, 1 << 16);
    expect(fresh).not.toBe(pool);
    await fresh?.ready();
    expect(fresh?.readyWorkers()).toEqual([0]);
    setThreads(1);
  });

  it('shares the panels of a job; a panel that fails is an error of that call, never a hang', async () => {
    const pool = newPool(1);
    pools.push(pool);
    await pool.ready();
    const claimAt = control.jobSlot(1) * (control.SLOT_BYTES / 4) + control.JOB_CLAIM;
    const ctl = new Int32Array(pool.memory.buffer, 0, pool.dataAt / 4);
    // Panel 0 here waits (at most 10 s) until the worker has claimed panel 1, which then traps:
    // its product reads far outside the memory.
    const outOfBounds: Parameters<ThreadPool['share']>[2] = (c, _f, at) => {
      c.fill(0, at, at + 23);
      c.set([1, 48, 1], at); // m, n, k: six panels of 8 columns
      c[at + 5] = 0x7fff_0000; // A
      c[at + 8] = pool.dataAt; // B, C and the packing scratch inside the memory, after the control block
      c[at + 11] = pool.dataAt;
      c.set([pool.dataAt + 4096, pool.dataAt + 8192, pool.dataAt + 12288], at + 13);
      c.set([1, 1, 1, 1, 1], at + 16);
      c[at + 21] = 1; // along n
      c[at + 22] = 8;
    };
    const mine: number[] = [];
    expect(() => pool.share(6, control.COMMAND_PANELS, outOfBounds, (p) => {
      mine.push(p);
      const until = performance.now() + 10_000;
      while (p === 0 && (Atomics.load(ctl, claimAt) & control.PANEL_COUNT_MASK) < 2 && performance.now() < until);
    })).toThrow(/ThreadPool\.share: .*RuntimeError/s);
    expect(mine).not.toContain(1);
    // The worker survives a failed panel; a panel failing here is rethrown too.
    expect(() => pool.share(3, control.COMMAND_PANELS, outOfBounds, () => { throw new Error('here'); })).toThrow('here');
    expect(pool.failed).toBeUndefined();
    const done: number[] = [];
    expect(pool.share(1, control.COMMAND_PANELS, outOfBounds, (p) => done.push(p))).toBe(0);
    expect(done).toEqual([0]);
    expect(() => pool.share(0, control.COMMAND_PANELS, outOfBounds, () => undefined)).toThrow(/count must be an integer from 1 to 2047 \(got 0\)/);
  });

  it('takes prepared workers first, and discarding ends those not taken', async () => {
    const host = workerHost()!;
    host.discardPrepared();
    host.prepare(2);
    host.prepare(1); // up to the count in all: starts none
    expect(host.preparedCount).toBe(2);
    const pool = newPool(2);
    pools.push(pool);
    expect(host.preparedCount).toBe(0);
    await pool.ready();
    expect(pool.readyWorkers()).toEqual([0, 1]);
    // The prepared workers run tasks and report failures with their slot, as new ones do.
    expect(() => pool.run([fail(1), fail(1)], () => undefined)).toThrow(/worker 0: failure requested.*worker 1: failure requested/s);
    host.prepare(1);
    expect(host.preparedCount).toBe(1);
    host.discardPrepared();
    expect(host.preparedCount).toBe(0);
    const late = newPool(1);
    pools.push(late);
    await late.ready();
    expect(late.readyWorkers()).toEqual([0]);
  });

  it('refuses more tasks than ready workers, and runs nothing once closed', async () => {
    const pool = newPool(1);
    await pool.ready();
    expect(() => pool.run([fail(1), fail(1)], () => undefined)).toThrow(/at most the 1 ready workers \(got 2\)/);
    pool.close();
    expect(() => pool.run([], () => undefined)).toThrow(/the pool is closed/);
  });

  it('sizes its memory to the work and grows it in place', () => {
    const pool = newPool(1);
    pools.push(pool);
    const bytes = pool.memory.buffer.byteLength;
    expect(bytes).toBeLessThanOrEqual(2 * 65536);
    expect(pool.capacity).toBe(64 << 20);
    const buffer = pool.memory.buffer;
    expect(pool.reserve(4 << 20)).toBe(true);
    expect(pool.memory.buffer.byteLength).toBeGreaterThanOrEqual(4 << 20);
    expect(buffer.byteLength).toBe(bytes); // the old view keeps its length; data is shared
    expect(pool.reserve(pool.capacity + 1)).toBe(false);
  });

  it('does not keep a Node process alive', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', exitScript], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LATENT_TS_THREADS: '2' },
    });
    expect(JSON.parse(out.trim().split('\n').pop() as string)).toEqual({ threads: 2, workers: 1, c: 40, prepared: 1 });
  });
});

describe.skipIf(!supported)('withSharedPoolDeferred', () => {
  afterEach(() => setThreads(1));

  it('starts and replaces no shared pool inside, uses a running one, and keeps the bytes', () => {
    setThreads(1); // drops any pool of more threads
    setThreads(2);
    const [m, n, k] = [96, 130, 97]; // above PARALLEL_PRODUCT
    const A = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const B = Float32Array.from({ length: k * n }, (_, i) => Math.cos(3 * i));
    const product = (): Float32Array => {
      const C = new Float32Array(m * n);
      gemm(false, false, m, n, k, 1, A, k, B, n, 0, C, n);
      return C;
    };
    const deferred = withSharedPoolDeferred(() => ({ pool: threadPool(2, 1 << 16), c: product() }));
    expect(deferred.pool).toBeNull();
    const pool = threadPool(2, 1 << 16);
    expect(pool).not.toBeNull();
    expect(withSharedPoolDeferred(() => threadPool(2, 1 << 16))).toBe(pool);
    expect(withSharedPoolDeferred(() => threadPool(3, 1 << 16))).toBeNull(); // would replace it
    expect(threadPool(2, 1 << 16)).toBe(pool);
    // The deferral ends with the call, also when it throws.
    expect(() => withSharedPoolDeferred(() => { throw new Error('inside'); })).toThrow('inside');
    expect(threadPool(3, 1 << 16)).not.toBeNull();
    setThreads(1);
    expect(Buffer.from(deferred.c.buffer).equals(Buffer.from(product().buffer))).toBe(true);
  });
});

describe('setThreads / getThreads', () => {
  afterEach(() => setThreads(1));

  it('rejects counts that are not integers from 1 to the maximum', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity, MAX_THREADS + 1, '2', undefined]) {
      expect(() => setThreads(bad as number)).toThrow(RangeError);
    }
    expect(() => setThreads(0)).toThrow(`setThreads: n must be an integer from 1 to ${MAX_THREADS} (got 0)`);
  });

  it('says the count set, or 1 where threads cannot run', () => {
    setThreads(3);
    expect(getThreads()).toBe(supported ? 3 : 1);
    setThreads(1);
    expect(getThreads()).toBe(1);
  });

  it('reads LATENT_TS_THREADS once and names it in its error', () => {
    const run = (value: string) => execFileSync(process.execPath, ['--import', 'tsx', envScript], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, LATENT_TS_THREADS: value },
    }).trim();
    expect(run('two')).toBe(`environment variable LATENT_TS_THREADS must be an integer from 1 to ${MAX_THREADS} (got string 'two')`);
    expect(run('1')).toBe('1');
    // Unset (or empty): the available cores, up to the cap.
    expect(run('')).toBe(String(supported ? Math.min(availableParallelism(), DEFAULT_THREADS_CAP) : 1));
  });

  it('counts the available cores as Node reports them', () => {
    expect(availableCores()).toBe(availableParallelism());
  });
});
