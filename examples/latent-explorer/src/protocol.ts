/** Messages between the page and the training worker. Epochs and batches count from 1. */
export type ToWorker =
  | { type: 'train'; epochs: number; seed: number }
  | { type: 'decode'; id: number; z: [number, number] };

export type FromWorker =
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batchesPerEpoch: number; loss: number }
  | { type: 'trained'; codes: Float32Array; labels: Uint8Array; seconds: number; loss: number; backend: string; threads: number }
  | { type: 'decoded'; id: number; pixels: Float32Array }
  | { type: 'error'; message: string };
