/**
 * How the training loop gives way to the event loop and awaits callbacks.
 *
 * @module
 */

/**
 * Lets the event loop run (timers, I/O, UI, an abort). A MessageChannel message is a macrotask
 * without the ≥ 1 ms (Node) or ≥ 4 ms (nested browser timers) clamp of setTimeout(0); both exist
 * in browsers and in Node ≥ 15, and setTimeout is the fallback.
 */
export function yieldToEventLoop(): Promise<void> {
  const MC = (globalThis as { MessageChannel?: typeof MessageChannel }).MessageChannel;
  if (MC === undefined) return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MC();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Awaits `v` when it is a promise (a callback may be sync or async). */
export async function settle(v: unknown): Promise<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Promise<unknown>).then === 'function' ? await (v as Promise<unknown>) : v;
}
