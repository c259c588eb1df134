/**
 * The demo's background thread (src/demo/background-fit.ts): the 2-D autoencoder it trains is the
 * same bytes as the one trained on the main thread, its progress lines arrive, and a failure in
 * the thread or a cancel surfaces as an error instead of a hang.
 */
import { describe, expect, it } from 'vitest';
import { startDeepAutoencoder } from '../../src/demo/background-fit.js';
import { demoData, head } from '../../src/demo/data.js';
import { fitAutoencoder } from '../../src/demo/fit.js';
import { resolveDemoOptions, type DemoPlan } from '../../src/demo/options.js';
import { DemoProgress } from '../../src/demo/progress.js';
import { tensorBytes } from '../train/fixtures.js';

async function small(): Promise<{ plan: DemoPlan; train: Awaited<ReturnType<typeof demoData>>['train'] }> {
  const plan: DemoPlan = { ...resolveDemoOptions({ quick: true }), ae2d: { hiddenDims: [24, 7], pretrainEpochs: 1, epochs: 2, learningRate: 3e-3 }, batchSize: 32 };
  const data = await demoData(300, 10, 0);
  return { plan, train: head(data.train, 131) };
}

describe('startDeepAutoencoder', () => {
  it('trains the same bytes as the main thread and relays its progress lines', async () => {
    const { plan, train } = await small();
    const lines: string[] = [];
    const background = await startDeepAutoencoder(train, plan, new DemoProgress((l) => lines.push(l))).result;
    const here = await fitAutoencoder(2, train, plan, new DemoProgress(null));
    expect(background.name).toBe('AE-2');
    expect(background.latentDim).toBe(2);
    expect(tensorBytes(background.model.toState())).toEqual(tensorBytes(here.model.toState()));
    expect(background.model.encode(train).data).toEqual(here.model.encode(train).data);
    expect(lines.some((l) => /AE-2: training 784-24-7-2 for 2 epochs/.test(l))).toBe(true);
    // Stamped once, by the receiving side's clock.
    expect(lines.every((l) => /^\[ *\d+\.\d s\] AE-2: /.test(l))).toBe(true);
  }, 60_000);

  it("reports the thread's error with its cause", async () => {
    const { plan, train } = await small();
    const bad: DemoPlan = { ...plan, ae2d: { ...plan.ae2d, hiddenDims: [0] } };
    const run = startDeepAutoencoder(train, bad, new DemoProgress(null));
    const err = await run.result.then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^demo: the 2-D autoencoder's background thread failed: .*hiddenDims\[0\]/);
    expect((err?.cause as Error | undefined)?.message).toMatch(/hiddenDims\[0\]/);
  }, 60_000);

  it('cancel stops the thread and the result rejects', async () => {
    const { plan, train } = await small();
    const run = startDeepAutoencoder(train, { ...plan, ae2d: { ...plan.ae2d, epochs: 500 } }, new DemoProgress(null));
    await run.cancel();
    await expect(run.result).rejects.toThrow("demo: the 2-D autoencoder's background thread was cancelled");
  }, 60_000);
});
