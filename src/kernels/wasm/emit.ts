/**
 * Structured-code helpers over {@link Code}: loops and pointer bumps that the kernel emitters
 * share. Each helper leaves the operand stack as it found it.
 *
 * @module
 */
import type { Code } from './builder.js';

/** `while (cond()) body()`; `cond` must push one i32. */
export function whileLoop(c: Code, cond: () => void, body: () => void): void {
  c.block().loop();
  cond();
  c.i32Eqz().brIf(1);
  body();
  c.br(0).end().end();
}

/** `do body() while (cond())`; for loops known to run at least once (the hot loop). */
export function doWhile(c: Code, body: () => void, cond: () => void): void {
  c.loop();
  body();
  cond();
  c.brIf(0).end();
}

/** `local += amount` where amount is a constant. */
export function addConst(c: Code, local: number, amount: number): void {
  c.localGet(local).i32Const(amount).i32Add().localSet(local);
}

/** `local += other` for two i32 locals. */
export function addLocal(c: Code, local: number, other: number): void {
  c.localGet(local).localGet(other).i32Add().localSet(local);
}

/** `target = min(x, y)` for signed i32 locals. */
export function minInto(c: Code, target: number, x: number, y: number): void {
  c.localGet(x).localGet(y).localGet(x).localGet(y).i32LtS().select().localSet(target);
}

/** Pushes `x < y` (signed). */
export function lessThan(c: Code, x: number, y: number): void {
  c.localGet(x).localGet(y).i32LtS();
}
