/**
 * The settings of the demo's semi-supervised table: the full run's, chosen on a validation split
 * of the training digits by scripts/tune-semisup.ts (never on the test digits), and the quick
 * run's (fewer seeds and steps, for tests).
 *
 * @module
 */
import type { SemiSupervisedSettings } from './semi-supervised.js';

/**
 * The full demo's settings (`seed` is replaced by the run's seed).
 *
 * @example
 * ```ts
 * const settings = { ...DEMO_SEMI_SUPERVISED, seed: plan.seed };
 * ```
 */
export const DEMO_SEMI_SUPERVISED: SemiSupervisedSettings = {
  labelsPerClass: [10, 100],
  seeds: 5,
  seed: 0,
  schedules: {
    'random': { steps: 200, batchSize: 32, learningRate: 1e-3 },
    'ae-finetuned': { steps: 200, batchSize: 32, learningRate: 1e-3, encoderLearningRate: null },
    'ae-frozen': { steps: 300, batchSize: 32, learningRate: 1e-2 },
    'vae-finetuned': { steps: 200, batchSize: 32, learningRate: 1e-3, encoderLearningRate: null },
    'vae-frozen': { steps: 300, batchSize: 32, learningRate: 1e-2 },
  },
  C: 0.1,
  allLabelsC: 1,
};

/**
 * The quick demo's settings: two seeds, 5 and 20 labels per class, a quarter of the steps.
 *
 * @example
 * ```ts
 * QUICK_SEMI_SUPERVISED.seeds; // 2
 * ```
 */
export const QUICK_SEMI_SUPERVISED: SemiSupervisedSettings = {
  ...DEMO_SEMI_SUPERVISED,
  labelsPerClass: [5, 20],
  seeds: 2,
  schedules: Object.fromEntries(
    Object.entries(DEMO_SEMI_SUPERVISED.schedules).map(([m, s]) => [m, { ...s, steps: Math.ceil(s.steps / 4) }]),
  ) as SemiSupervisedSettings['schedules'],
};
