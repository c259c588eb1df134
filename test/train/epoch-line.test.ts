/** The shared finished-epoch line: loss with its unit, validation, throughput, elapsed time and ETA. */
import { describe, expect, it } from 'vitest';
import { EpochClock, formatDuration, formatEpochLine } from '../../src/train/progress.js';
import { lossUnit } from '../../src/models/neural/loss-unit.js';

describe('formatEpochLine', () => {
  it('shows the epoch, the loss and its unit, the validation loss, time, throughput, elapsed and ETA', () => {
    expect(formatEpochLine({
      epoch: 2, epochs: 10, loss: 104.2, unit: 'nats/sample', valLoss: 106.25, seconds: 1.14, samplesPerSecond: 54000.4, elapsed: 2.31, eta: 9.24,
    })).toBe('epoch 2/10  loss 104.2000 nats/sample  val 106.2500  1.1 s  54000 samples/s  elapsed 2.3 s  ETA 9.2 s');
    expect(formatEpochLine({
      epoch: 1, epochs: 3, loss: 0.5, detail: '(a + b)', seconds: 0.2, samplesPerSecond: 10, elapsed: 0.2, eta: null,
    })).toBe('epoch 1/3  loss 0.5000 (a + b)  0.2 s  10 samples/s  elapsed 0.2 s  ETA ?');
  });

  it('formats durations in seconds, minutes and hours', () => {
    expect(formatDuration(8.44)).toBe('8.4 s');
    expect(formatDuration(59.9)).toBe('59.9 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(NaN)).toBe('?');
  });

  it('EpochClock estimates the time left from the mean epoch time, 0 after the last', () => {
    const clock = new EpochClock(2);
    const first = clock.lap();
    expect(first.eta).not.toBeNull();
    expect(first.eta as number).toBeCloseTo(first.elapsed, 10);
    expect(clock.lap().eta).toBe(0);
  });

  it('names the unit of every neural loss', () => {
    expect(lossUnit({ likelihood: 'bernoulli' })).toBe('nats/sample');
    expect(lossUnit({ likelihood: 'gaussian' })).toBe('nats/sample');
    expect(lossUnit({ loss: 'bce' })).toBe('nats/sample');
    expect(lossUnit({ loss: 'mse' })).toBe('squared error/sample');
  });
});
