/**
 * The worker's script, as source text. It is plain JavaScript with no imports, so the Node
 * adapter runs it with `new Worker(text, { eval: true })` and the browser adapter from a Blob
 * URL: nothing has to be resolved next to a built file, which keeps the same code working from
 * the TypeScript source (vitest, tsx), from dist/ (tsup bundles this string like any other) and
 * in a user's browser bundle. The worker receives the compiled GEMM `Module` and the shared
 * `Memory` once, instantiates the module, and then loops: Atomics.wait on its slot's sequence
 * number, run the task, write the status, notify. The slot layout is control.ts's (a test checks
 * the literals below against it). The panel product is the same loop nest as `blockedProduct`
 * in kernels/wasm/gemm-wasm.ts, over the part of C this worker owns; with the panels command
 * the worker claims panels from the job slot until none is left (pool.ts, `ThreadPool.share`).
 *
 * @module
 */

/** Source of the worker's loop; `start(data, onExit)` is called by the platform prelude. */
const CORE = String.raw`
function start(data, onExit) {
  const SLOT_INTS = 64, SEQ = 0, DONE = 1, STATUS = 2, READY = 3, COMMAND = 4, ARGS = 5, MESSAGE_AT = 128, MESSAGE_BYTES = 128;
  const TAKEN = 31;
  // How long an idle worker spins before blocking, in ms (the pool's choice, pool.ts).
  const SPIN_MS = data.spinMs, MIN_SPIN_MS = Math.min(SPIN_MS, 0.05), PREEMPTED = 0.1;
  const memory = data.memory;
  const base = (data.slot * 256) / 4;
  const job = data.jobSlot * SLOT_INTS;
  const ctl = new Int32Array(memory.buffer, 0, (data.jobSlot + 1) * SLOT_INTS);
  const ctlF = new Float32Array(memory.buffer, 0, (data.jobSlot + 1) * SLOT_INTS);
  const report = (status, error) => {
    const text = new TextEncoder().encode(String(error && error.stack ? error.stack : error)).slice(0, MESSAGE_BYTES - 4);
    const bytes = new Uint8Array(memory.buffer, data.slot * 256 + MESSAGE_AT + 4, MESSAGE_BYTES - 4);
    bytes.set(text);
    ctl[base + MESSAGE_AT / 4] = text.length;
    Atomics.store(ctl, base + STATUS, status);
  };
  let seen = 0;
  onExit((why) => {
    report(2, 'worker ' + data.slot + ' ended: ' + why);
    Atomics.store(ctl, base + DONE, Atomics.load(ctl, base + SEQ));
    Atomics.notify(ctl, base + DONE);
  });
  const gemm = new WebAssembly.Instance(data.module, { env: { memory } }).exports;
  const table = data.kernels.map((k) => new WebAssembly.Instance(k.module, { env: { memory } }).exports[k.name]);
  Atomics.store(ctl, base + READY, 1);
  Atomics.notify(ctl, base + READY);
  // How long the next wait spins, in ms: doubled (up to SPIN_MS) by each task that arrives
  // while it spins, halved (down to MIN_SPIN_MS) by each spin that ends without one, quartered
  // by each spin that is preempted.
  let spin = SPIN_MS;
  for (;;) {
    // Spin before blocking: the next product of a burst (a training step's) then starts without
    // a futex wake-up; an idle worker blocks in Atomics.wait. A spin that ends without a task
    // was wasted, and a gap of over PREEMPTED ms between two looks at the clock means another
    // thread had this core (the machine has more runnable threads than cores, and a spinning
    // worker takes their time, the caller's among them): either way it spins less next time.
    let last = performance.now();
    const until = last + spin;
    for (let i = 1; ; i++) {
      if (Atomics.load(ctl, base + SEQ) !== seen) {
        spin = Math.min(SPIN_MS, spin * 2);
        break;
      }
      if ((i & 63) === 0) {
        const now = performance.now();
        const preempted = now - last > PREEMPTED;
        if (preempted || now > until) {
          spin = Math.max(MIN_SPIN_MS, spin / (preempted ? 4 : 2));
          Atomics.wait(ctl, base + SEQ, seen);
          break;
        }
        last = now;
      }
    }
    const seq = Atomics.load(ctl, base + SEQ);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    // Take the task up, unless the pool has withdrawn it meanwhile (control.ts, TAKEN): then
    // its job is over and the pool has set DONE itself.
    if (Atomics.compareExchange(ctl, base + TAKEN, seq - 1, seq) !== seq - 1) continue;
    try {
      const command = ctl[base + COMMAND];
      const a = base + ARGS;
      if (command === 1) {
        panel(gemm, ctl, ctlF, a);
      } else if (command === 3) {
        panels(gemm, ctl, ctlF, a, job);
      } else if (command === 4) {
        ranges(table, ctl, ctlF, a, job);
      } else if (command === 5) {
        gram(table, memory, ctl, a, job);
      } else if (command === 6) {
        calls(table, memory, ctl, a, job);
      } else if (command === 7) {
        hamming(memory, ctl, a, job);
      } else if (command === 8) {
        panels64(table, memory, ctl, a, job);
      } else if (command === 9) {
        listed(gemm, ctl, ctlF, a, job);
      } else if (command === 10) {
        centred64(table, memory, ctl, a, job);
      } else if (command === 2) {
        if (ctl[a] === 2) data.exit();
        throw new Error('worker ' + data.slot + ': failure requested by the diagnostics command');
      } else {
        throw new Error('worker ' + data.slot + ': unknown command ' + command);
      }
      Atomics.store(ctl, base + STATUS, 0);
    } catch (error) {
      report(1, error);
    }
    Atomics.store(ctl, base + DONE, seq);
    Atomics.notify(ctl, base + DONE);
  }
}

function panel(e, ctl, ctlF, a) {
  product(e, ctl[a], ctl[a + 1], ctl[a + 2], ctlF[a + 3], ctlF[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7],
    ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11], ctl[a + 12], ctl[a + 13], ctl[a + 14], ctl[a + 15],
    ctl[a + 16], ctl[a + 17], ctl[a + 18]);
}

// Claims panels of the job (tag, count at a, a + 1; the product from a + 2) until none is left.
function panels(e, ctl, ctlF, a, job) {
  claimPanels(e, ctl, a, job, ctlF[a + 5], ctlF[a + 6], 4);
}

// The claim loop of panels and panels64: elements of es bytes, alpha and beta already read (as
// float32 from the task, or as doubles from the pool's memory).
function claimPanels(e, ctl, a, job, alpha, beta, es) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const m = ctl[q], n = ctl[q + 1], k = ctl[q + 2];
  const aAt = ctl[q + 5], aLane = ctl[q + 6], aK = ctl[q + 7], bAt = ctl[q + 8], bLane = ctl[q + 9], bK = ctl[q + 10];
  const cAt = ctl[q + 11], ldc = ctl[q + 12], tile = ctl[q + 13], pa = ctl[q + 14], pb = ctl[q + 15];
  const KC = ctl[q + 16], MC = ctl[q + 17], NC = ctl[q + 18], lastMC = ctl[q + 19], lastNC = ctl[q + 20];
  const byColumns = ctl[q + 21] === 1, span = ctl[q + 22];
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const p = claim & 2047;
    if (claim >>> 11 !== tag || p >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    const start = p * span, last = p === count - 1;
    const mc = last ? lastMC : MC, nc = last ? lastNC : NC;
    if (byColumns) {
      product(e, m, Math.min(span, n - start), k, alpha, beta, aAt, aLane, aK, bAt + start * bLane, bLane, bK,
        cAt + start * es, ldc, tile, pa, pb, KC, mc, nc, es);
    } else {
      product(e, Math.min(span, m - start), n, k, alpha, beta, aAt + start * aLane, aLane, aK, bAt, bLane, bK,
        cAt + start * ldc * es, ldc, tile, pa, pb, KC, mc, nc, es);
    }
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Claims panels of a float32 product listed in the job slot (command 9; see control.ts): panel p
// starts at word 2 + 2p, with its varying block (NC along n, else MC) at the word after, and
// ends where panel p + 1 starts, the last at the product's extent.
function listed(e, ctl, ctlF, a, job) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const m = ctl[q], n = ctl[q + 1], k = ctl[q + 2], alpha = ctlF[q + 3], beta = ctlF[q + 4];
  const aAt = ctl[q + 5], aLane = ctl[q + 6], aK = ctl[q + 7], bAt = ctl[q + 8], bLane = ctl[q + 9], bK = ctl[q + 10];
  const cAt = ctl[q + 11], ldc = ctl[q + 12], tile = ctl[q + 13], pa = ctl[q + 14], pb = ctl[q + 15];
  const KC = ctl[q + 16], MC = ctl[q + 17], NC = ctl[q + 18], byColumns = ctl[q + 21] === 1;
  // This worker's place for the operand every panel reads whole (0: packed per panel), packed by
  // its first panel of the job and read by the others (PackedOperand in kernels/wasm/gemm-wasm.ts).
  const pre = ctl[q + 19], pad = ctl[q + 20], side = pre === 0 ? 0 : byColumns ? 1 : 2;
  let packed = false;
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const p = claim & 2047;
    if (claim >>> 11 !== tag || p >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    const start = ctl[job + 2 + 2 * p], block = ctl[job + 3 + 2 * p];
    const end = p + 1 < count ? ctl[job + 4 + 2 * p] : byColumns ? n : m;
    if (byColumns) {
      product(e, m, end - start, k, alpha, beta, aAt, aLane, aK, bAt + start * bLane, bLane, bK,
        cAt + start * 4, ldc, tile, pa, pb, KC, MC, block, 4, pre, side, pad, packed);
    } else {
      product(e, end - start, n, k, alpha, beta, aAt + start * aLane, aLane, aK, bAt, bLane, bK,
        cAt + start * ldc * 4, ldc, tile, pa, pb, KC, block, NC, 4, pre, side, pad, packed);
    }
    packed = true;
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Claims chunks of an elementwise kernel (tag, count at a, a + 1; see control.ts) until none is left.
function ranges(table, ctl, ctlF, a, job) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const run = table[ctl[q]], pointers = ctl[q + 1], chunk = ctl[q + 2], total = ctl[q + 3];
  const scalars = Array.from(ctlF.subarray(q + 9, q + 9 + ctl[q + 8]));
  const args = new Array(pointers + 1 + scalars.length);
  for (let s = 0; s < scalars.length; s++) args[pointers + 1 + s] = scalars[s];
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const c = claim & 2047;
    if (claim >>> 11 !== tag || c >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    for (let i = 0; i < pointers; i++) args[i] = ctl[q + 4 + i] + c * chunk;
    args[pointers] = Math.min(chunk, total - c * chunk);
    run(...args);
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Claims calls of a kernel whose arguments are rows of a table in the shared memory (tag, count
// at a, a + 1; see control.ts COMMAND_CALLS) until none is left.
function calls(table, memory, ctl, a, job) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const run = table[ctl[q]], n = ctl[q + 1], at = ctl[q + 2] >> 2, floats = ctl[q + 3];
  const words = new Int32Array(memory.buffer), reals = new Float32Array(memory.buffer);
  const args = new Array(n);
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const c = claim & 2047;
    if (claim >>> 11 !== tag || c >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    const row = at + c * n;
    for (let i = 0; i < n; i++) args[i] = (floats >> i) & 1 ? reals[row + i] : words[row + i];
    run(...args);
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Claims chunks of the queries of a Hamming search (tag, count at a, a + 1; see control.ts
// COMMAND_HAMMING) until none is left: per query the distance to every code (popcount of XOR)
// and the counting selection of hashing/hamming-index.ts (selectInto), ties by lower index.
function hamming(memory, ctl, a, job) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const nCodes = ctl[q], w = ctl[q + 1], nBits = ctl[q + 2], m = ctl[q + 3], nq = ctl[q + 4], per = ctl[q + 5];
  const dbAt = ctl[q + 6] >> 2, qAt = ctl[q + 7] >> 2, idxAt = ctl[q + 8] >> 2, distAt = ctl[q + 9] >> 2;
  const scratchAt = ctl[q + 10] >> 2, excludeSelf = ctl[q + 11] === 1;
  const u = new Uint32Array(memory.buffer), s = new Int32Array(memory.buffer);
  const dist = s.subarray(scratchAt, scratchAt + nCodes);
  const bins = nBits + 1;
  const counts = s.subarray(scratchAt + nCodes, scratchAt + nCodes + bins);
  const start = s.subarray(scratchAt + nCodes + bins, scratchAt + nCodes + 2 * bins);
  const take = s.subarray(scratchAt + nCodes + 2 * bins, scratchAt + nCodes + 3 * bins);
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const c = claim & 2047;
    if (claim >>> 11 !== tag || c >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    for (let qi = c * per, end = Math.min(nq, (c + 1) * per); qi < end; qi++) {
      const qo = qAt + qi * w;
      for (let i = 0; i < nCodes; i++) {
        const o = dbAt + i * w;
        let d = 0;
        for (let j = 0; j < w; j++) {
          let x = u[o + j] ^ u[qo + j];
          x -= (x >>> 1) & 0x55555555;
          x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
          x = (x + (x >>> 4)) & 0x0f0f0f0f;
          d += Math.imul(x, 0x01010101) >>> 24;
        }
        dist[i] = d;
      }
      const skip = excludeSelf ? qi : -1;
      counts.fill(0);
      for (let i = 0; i < nCodes; i++) if (i !== skip) counts[dist[i]]++;
      let filled = 0;
      take.fill(0);
      for (let d = 0; d <= nBits && filled < m; d++) {
        start[d] = filled;
        take[d] = Math.min(counts[d], m - filled);
        filled += take[d];
      }
      const oi = idxAt + qi * m, od = distAt + qi * m;
      for (let i = 0; i < nCodes; i++) {
        const d = dist[i];
        if (i === skip || take[d] === 0) continue;
        const slot = start[d]++;
        take[d]--;
        s[oi + slot] = i;
        s[od + slot] = d;
      }
    }
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Claims panels of a Gram job (tag, count at a, a + 1; see control.ts) until none is left.
// Panels below the chunk count are chunks: the loop of gramChunk in kernels/wasm/gram-wasm.ts on
// chunk c's rows, into chunk c's C, with the Gram module's packA, packB and macro from the
// kernel table, after centring the rows in place (x - c, the table's centre kernel) when the
// job gives a centre. The panels after them add the previous batch's chunk sums into the
// double result in chunk order, each over a block of its rows (addUpperRows in gram-wasm.ts).
function gram(table, memory, ctl, a, job) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const packA = table[ctl[q + 13]], packB = table[ctl[q + 13] + 1], macro = table[ctl[q + 13] + 2];
  const d = ctl[q], rows = ctl[q + 1], KC = ctl[q + 2], lastRows = ctl[q + 3], lastKC = ctl[q + 4], MC = ctl[q + 5];
  const xAt = ctl[q + 6], xStride = ctl[q + 7], cAt = ctl[q + 8], cStride = ctl[q + 9];
  const tile = ctl[q + 10], pa = ctl[q + 11], pb = ctl[q + 12];
  const chunks = ctl[q + 14], centreAt = ctl[q + 15], centre = centreAt === 0 ? null : table[ctl[q + 16]];
  const blocksAt = ctl[q + 17] >> 2, prevAt = ctl[q + 18], prevCount = ctl[q + 19], outAt = ctl[q + 20] >> 3;
  const ld = d * 4;
  let f32 = null, f64 = null, words = null;
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const c = claim & 2047;
    if (claim >>> 11 !== tag || c >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    if (c < chunks) {
      const last = c === chunks - 1, m = last ? lastRows : rows, kcMax = last ? lastKC : KC;
      const x = xAt + c * xStride, out = cAt + c * cStride;
      if (centre !== null) centre(x, m, ld, ld, centreAt);
      for (let pc = 0; pc < m; pc += kcMax) {
        const kc = Math.min(kcMax, m - pc);
        const slice = x + pc * ld;
        packB(slice, 4, ld, d, kc, pb);
        packA(slice, 4, ld, d, kc, pa);
        const beta = pc === 0 ? 0 : 1;
        for (let ic = 0; ic < d; ic += MC) {
          macro(Math.min(MC, d - ic), d - ic, kc, pa + ic * kc * 4, pb + ic * kc * 4, out + (ic * d + ic) * 4, ld, 1, beta, tile);
        }
      }
    } else {
      if (f32 === null) {
        f32 = new Float32Array(memory.buffer);
        f64 = new Float64Array(memory.buffer);
        words = new Int32Array(memory.buffer);
      }
      const block = c - chunks, i0 = words[blocksAt + 2 * block], i1 = words[blocksAt + 2 * block + 1];
      for (let s = 0; s < prevCount; s++) {
        const from = (prevAt + s * cStride) >> 2;
        for (let i = i0; i < i1; i++) {
          const row = i * d;
          for (let j = i; j < d; j++) f64[outAt + row + j] += f32[from + row + j];
        }
      }
    }
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Claims panels of a float64 product (command 8; see control.ts) until none is left: the loop of
// the float64 driver (kernels/threads/gemm-parallel-f64.ts, blockedProductF64) with the float64
// module's packA, packB and macro from the kernel table and alpha, beta read as doubles.
function panels64(table, memory, ctl, a, job) {
  const q = a + 2;
  const scalars = new Float64Array(memory.buffer, ctl[q + 3], 2);
  const e = { packA: table[ctl[q + 23]], packB: table[ctl[q + 23] + 1], macro: table[ctl[q + 23] + 2] };
  claimPanels(e, ctl, a, job, scalars[0], scalars[1], 8);
}

// Claims chunks of rows of a transform (command 10; see control.ts) until none is left: each
// chunk's raw rows converted, checked and centred into this worker's buffer (prepare, the loop of
// kernels/threads/centred-product-f64.ts), then multiplied by the float64 product loop into its rows of Z.
function centred64(table, memory, ctl, a, job) {
  const tag = ctl[a], count = ctl[a + 1], q = a + 2;
  const rows = ctl[q], d = ctl[q + 1], k = ctl[q + 2], chunk = ctl[q + 3], srcAt = ctl[q + 4], es = ctl[q + 5];
  const buffer = memory.buffer;
  const src = es === 4 ? new Float32Array(buffer, srcAt, rows * d) : new Float64Array(buffer, srcAt, rows * d);
  const mean = new Float64Array(buffer, ctl[q + 6], d);
  const scale = ctl[q + 7] === 0 ? null : new Float64Array(buffer, ctl[q + 7], d);
  const bAt = ctl[q + 8], bLane = ctl[q + 9], bK = ctl[q + 10], cAt = ctl[q + 11];
  const bad = new Int32Array(buffer, ctl[q + 12], count);
  const aAt = ctl[q + 13], tile = ctl[q + 14], pa = ctl[q + 15], pb = ctl[q + 16];
  const KC = ctl[q + 17], MC = ctl[q + 18], NC = ctl[q + 19], lastMC = ctl[q + 20];
  const e = { packA: table[ctl[q + 21]], packB: table[ctl[q + 21] + 1], macro: table[ctl[q + 21] + 2] };
  const A = new Float64Array(buffer, aAt, chunk * d);
  const run = es === 4 ? prepare32 : prepare64;
  for (;;) {
    const claim = Atomics.load(ctl, job);
    const c = claim & 2047;
    if (claim >>> 11 !== tag || c >= count) return;
    if (Atomics.compareExchange(ctl, job, claim, claim + 1) !== claim) continue;
    const r0 = c * chunk, m = Math.min(chunk, rows - r0);
    bad[c] = run(src, r0 * d, m, d, mean, scale, A);
    product(e, m, k, d, 1, 0, aAt, d * 8, 8, bAt, bLane, bK, cAt + r0 * k * 8, k, tile, pa, pb, KC, c === count - 1 ? lastMC : MC, NC, 8);
    Atomics.add(ctl, job + 1, 1);
    Atomics.notify(ctl, job + 1);
  }
}

// Two copies of one loop, so each sees one array type: x − mⱼ (or x / sⱼ − mⱼ) for each value
// of the chunk's rows; returns the offset of the first value that is not finite, or -1.
function prepare32(src, o, rows, d, mean, scale, a) {
  let first = -1;
  for (let r = 0; r < rows; r++) {
    const ro = r * d;
    if (scale === null) {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v - mean[j];
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v / scale[j] - mean[j];
      }
    }
  }
  return first;
}

function prepare64(src, o, rows, d, mean, scale, a) {
  let first = -1;
  for (let r = 0; r < rows; r++) {
    const ro = r * d;
    if (scale === null) {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v - mean[j];
      }
    } else {
      for (let j = 0; j < d; j++) {
        const v = src[o + ro + j];
        if (v - v !== 0 && first < 0) first = ro + j;
        a[ro + j] = v / scale[j] - mean[j];
      }
    }
  }
  return first;
}

// The BLIS loops of blockedProduct (kernels/wasm/gemm-wasm.ts) for elements of es bytes (4, or 8
// for the float64 module). side 1 (2) reads the blocks of A (B) from pre, packing them there
// first unless packed, at the offsets blockedProduct uses; side 0 packs both per block.
function product(e, m, n, k, alpha, beta, aAt, aLane, aK, bAt, bLane, bK, cAt, ldc, tile, pa, pb, KC, MC, NC, es = 4, pre = 0, side = 0, pad = 1, packed = false) {
  const mPadded = Math.ceil(m / pad) * pad;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      let b = pb;
      if (side !== 2) {
        e.packB(bAt + pc * bK + jc * bLane, bLane, bK, nc, kc, b);
      } else {
        b = pre + (jc * k + pc * Math.ceil(nc / pad) * pad) * es;
        if (!packed) e.packB(bAt + pc * bK + jc * bLane, bLane, bK, nc, kc, b);
      }
      const betaBlock = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        let a = pa;
        if (side !== 1) {
          e.packA(aAt + ic * aLane + pc * aK, aLane, aK, mc, kc, a);
        } else {
          a = pre + (pc * mPadded + ic * kc) * es;
          if (!packed && jc === 0) e.packA(aAt + ic * aLane + pc * aK, aLane, aK, mc, kc, a);
        }
        e.macro(mc, nc, kc, a, b, cAt + (ic * ldc + jc) * es, ldc * es, alpha, betaBlock, tile);
      }
    }
  }
}
`;

/** The worker script for Node's `worker_threads` (run with `eval: true`; data arrives in the first message). */
export const NODE_WORKER_SOURCE = `${CORE}
const { parentPort } = require('node:worker_threads');
parentPort.once('message', (data) => {
  start({ ...data, exit: () => process.exit(70) }, (handler) => process.on('exit', (code) => handler('exit code ' + code)));
});
`;

/** The worker script for a browser's Web Worker (data arrives in the first message). */
export const BROWSER_WORKER_SOURCE = `${CORE}
self.onmessage = (event) => {
  self.onmessage = null;
  start({ ...event.data, exit: () => self.close() }, (handler) => self.addEventListener('error', (ev) => handler(ev.message)));
};
`;
