/**
 * NMF's `'cd'` solver: cyclic coordinate descent on ½‖X − WH‖² + penalties (Cichocki & Phan
 * 2009; scikit-learn's `_fit_coordinate_descent` with `shuffle=False`). W and H are updated in
 * turn; within a factor each coordinate gets the exact minimiser of its quadratic, clipped at 0:
 * for row i of W and component t, g = (W·G)ᵢₜ − Bᵢₜ and Wᵢₜ ← max(Wᵢₜ − g/Gₜₜ, 0), with
 * G = HHᵀ + l2·I and B = XHᵀ − l1 (H: the same with Xᵀ and W). Components go in order
 * t = 0 … k − 1, rows inner. The run stops when the summed projected-gradient magnitude
 * (the KKT violation) of an iteration falls to tol times that of the first.
 *
 * With missing entries (a mask M) the objective is ½Σ Mᵢⱼ(xᵢⱼ − (WH)ᵢⱼ)²: every row of W then
 * has its own Gram matrix Gᵢ = Σⱼ Mᵢⱼ·hⱼhⱼᵀ + l2·I and right side Bᵢ = Σⱼ Mᵢⱼ·xᵢⱼ·hⱼ − l1
 * (hⱼ the j-th column of H), and the same coordinate rule minimises it exactly; with M all ones
 * Gᵢ = HHᵀ and the sweep is the unweighted one. This costs n·d·k² per sweep instead of the
 * unweighted n·d·k, so it is used only when an entry is missing.
 *
 * @module
 */
import { gemmCore } from '../../kernels/gemm.js';
import { timesFactor, type NmfData } from './nmf-loss.js';
import type { NmfSolverResult, NmfSolverSettings } from './nmf-mu.js';

/**
 * One coordinate sweep over V (rows×k) for the quadratic ½·tr(V·G·Vᵀ) − tr(Vᵀ·B) with V ≥ 0,
 * G (k×k) shared by all rows; B is rows×k. Returns the sum of |projected gradient| before each
 * step (scikit-learn's violation).
 *
 * @example
 * ```ts
 * const violation = cdSweep(W, hht, xht, n, k);
 * ```
 */
export function cdSweep(V: Float64Array, G: Float64Array, B: Float64Array, rows: number, k: number): number {
  let violation = 0;
  for (let t = 0; t < k; t++) {
    const hess = G[t * k + t];
    for (let i = 0; i < rows; i++) {
      const o = i * k;
      let grad = -B[o + t];
      for (let r = 0; r < k; r++) grad += G[t * k + r] * V[o + r];
      const v = V[o + t];
      violation += Math.abs(v === 0 ? Math.min(0, grad) : grad);
      if (hess !== 0) V[o + t] = Math.max(v - grad / hess, 0);
    }
  }
  return violation;
}

/**
 * The unweighted update of V (rows×k) with the other factor F (cols×k) fixed: G = FᵀF + l2·I,
 * B = X·F − l1 (X rows×cols; `transX` reads the stored X transposed, for the H update).
 */
function sweepFull(x: Float64Array, transX: boolean, V: Float64Array, F: Float64Array, rows: number, cols: number, k: number, l1: number, l2: number): number {
  const G = new Float64Array(k * k);
  gemmCore(true, false, k, k, cols, 1, F, k, F, k, 0, G, k);
  const B = new Float64Array(rows * k);
  gemmCore(transX, false, rows, k, cols, 1, x, transX ? rows : cols, F, k, 0, B, k);
  if (l2 !== 0) for (let t = 0; t < k; t++) G[t * k + t] += l2;
  if (l1 !== 0) for (let i = 0; i < B.length; i++) B[i] -= l1;
  return cdSweep(V, G, B, rows, k);
}

/**
 * The unweighted update from B = X·F (or Xᵀ·F) formed by the caller, as from a sparse X:
 * G = FᵀF + l2·I and B − l1, the same arithmetic as {@link sweepFull} after its product.
 */
function sweepProducts(B: Float64Array, V: Float64Array, F: Float64Array, rows: number, cols: number, k: number, l1: number, l2: number): number {
  const G = new Float64Array(k * k);
  gemmCore(true, false, k, k, cols, 1, F, k, F, k, 0, G, k);
  if (l2 !== 0) for (let t = 0; t < k; t++) G[t * k + t] += l2;
  if (l1 !== 0) for (let i = 0; i < B.length; i++) B[i] -= l1;
  return cdSweep(V, G, B, rows, k);
}

/**
 * The weighted update: row r of V gets its own Gᵣ and Bᵣ from the observed entries of row r
 * of X (rows×cols; element (r, c) at x[r·rs + c·cs], mask alike).
 */
function sweepMasked(
  x: Float64Array, mask: Uint8Array, rs: number, cs: number,
  V: Float64Array, F: Float64Array, rows: number, cols: number, k: number, l1: number, l2: number,
): number {
  const G = new Float64Array(k * k);
  const B = new Float64Array(k);
  let violation = 0;
  for (let r = 0; r < rows; r++) {
    G.fill(0);
    B.fill(0);
    for (let c = 0; c < cols; c++) {
      const e = r * rs + c * cs;
      if (mask[e] === 0) continue;
      const xv = x[e];
      const f = c * k;
      for (let p = 0; p < k; p++) {
        const fp = F[f + p];
        B[p] += xv * fp;
        for (let q = 0; q < k; q++) G[p * k + q] += fp * F[f + q];
      }
    }
    for (let t = 0; t < k; t++) {
      G[t * k + t] += l2;
      B[t] -= l1;
    }
    violation += cdSweep(V.subarray(r * k, (r + 1) * k), G, B, 1, k);
  }
  return violation;
}

/**
 * Runs coordinate descent on W (n×k) and H (k×d) in place (Frobenius loss only).
 *
 * @example
 * ```ts
 * fitCoordinateDescent(data, W, H, k, { beta: 2, tol: 1e-4, maxIter: 200, reg, updateH: true });
 * ```
 */
export function fitCoordinateDescent(data: NmfData, W: Float64Array, H: Float64Array, k: number, s: NmfSolverSettings): NmfSolverResult {
  const { x, n, d, mask } = data;
  const sparse = data.sparse ?? null;
  const { reg, tol, maxIter, updateH } = s;
  // Hᵀ (d×k), so that both factors are row-major with k columns, as the sweep wants.
  const ht = new Float64Array(d * k);
  for (let t = 0; t < k; t++) for (let j = 0; j < d; j++) ht[j * k + t] = H[t * d + j];
  let violationInit = 0;
  let result: NmfSolverResult = { nIter: maxIter, converged: false };
  for (let it = 1; it <= maxIter; it++) {
    let violation = sparse !== null
      ? sweepProducts(timesFactor(data, false, ht, k), W, ht, n, d, k, reg.l1W, reg.l2W)
      : mask === null
        ? sweepFull(x, false, W, ht, n, d, k, reg.l1W, reg.l2W)
        : sweepMasked(x, mask, d, 1, W, ht, n, d, k, reg.l1W, reg.l2W);
    if (updateH) {
      violation += sparse !== null
        ? sweepProducts(timesFactor(data, true, W, k), ht, W, d, n, k, reg.l1H, reg.l2H)
        : mask === null
          ? sweepFull(x, true, ht, W, d, n, k, reg.l1H, reg.l2H)
          : sweepMasked(x, mask, 1, d, ht, W, d, n, k, reg.l1H, reg.l2H);
    }
    if (it === 1) violationInit = violation;
    if (violationInit === 0 || violation / violationInit <= tol) {
      result = { nIter: it, converged: true };
      break;
    }
  }
  for (let t = 0; t < k; t++) for (let j = 0; j < d; j++) H[t * d + j] = ht[j * k + t];
  return result;
}
