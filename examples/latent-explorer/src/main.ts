import type { FromWorker, ToWorker } from './protocol.js';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const plane = document.getElementById('plane') as HTMLCanvasElement;
const digit = document.getElementById('digit') as HTMLCanvasElement;
const progress = document.getElementById('progress') as HTMLProgressElement;
const status = document.getElementById('status') as HTMLElement;
const coords = document.getElementById('coords') as HTMLElement;

// Latent coordinates shown on the plane: ±RANGE around the prior's mean.
const RANGE = 4;
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
let decodeId = 0;
let decodesShown = 0;

function drawLegend(): void {
  const legend = document.getElementById('legend') as HTMLElement;
  legend.innerHTML = COLORS.map((c, i) => `<span style="background:${c}"></span>${i}`).join('');
}

function toPixel(v: number, size: number): number {
  return ((v + RANGE) / (2 * RANGE)) * size;
}

function drawScatter(codes: Float32Array, labels: Uint8Array): void {
  const ctx = plane.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, plane.width, plane.height);
  ctx.strokeStyle = '#ddd';
  ctx.beginPath();
  ctx.moveTo(plane.width / 2, 0); ctx.lineTo(plane.width / 2, plane.height);
  ctx.moveTo(0, plane.height / 2); ctx.lineTo(plane.width, plane.height / 2);
  ctx.stroke();
  for (let i = 0; i < labels.length; i++) {
    ctx.fillStyle = COLORS[labels[i]];
    ctx.fillRect(toPixel(codes[2 * i], plane.width) - 1.5, plane.height - toPixel(codes[2 * i + 1], plane.height) - 1.5, 3, 3);
  }
}

function drawDigit(pixels: Float32Array): void {
  const small = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    small.data.set([v, v, v, 255], i * 4);
  }
  const tmp = new OffscreenCanvas(28, 28);
  tmp.getContext('2d')!.putImageData(small, 0, 0);
  const ctx = digit.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, digit.width, digit.height);
  decodesShown++;
  document.body.dataset.decodes = String(decodesShown);
}

function onPointer(event: PointerEvent): void {
  if (document.body.dataset.state !== 'ready') return;
  const rect = plane.getBoundingClientRect();
  const z1 = ((event.clientX - rect.left) / rect.width) * 2 * RANGE - RANGE;
  const z2 = RANGE - ((event.clientY - rect.top) / rect.height) * 2 * RANGE;
  coords.textContent = `z = (${z1.toFixed(2)}, ${z2.toFixed(2)})`;
  send({ type: 'decode', id: ++decodeId, z: [z1, z2] });
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const msg = event.data;
  if (msg.type === 'progress') {
    const done = (msg.epoch - 1) * msg.batchesPerEpoch + msg.batch;
    progress.value = done / (msg.epochs * msg.batchesPerEpoch);
    status.textContent = `training: epoch ${msg.epoch}/${msg.epochs}, loss ${msg.loss.toFixed(1)} nats`;
    document.body.dataset.state = 'training';
  } else if (msg.type === 'trained') {
    progress.value = 1;
    const threads = msg.threads === 1 ? 'one thread' : `${msg.threads} threads`;
    status.textContent = `trained in ${msg.seconds.toFixed(1)} s on the ${msg.backend} kernels, ${threads} (final loss ${msg.loss.toFixed(1)} nats per digit)`;
    document.body.dataset.backend = msg.backend;
    document.body.dataset.threads = String(msg.threads);
    drawScatter(msg.codes, msg.labels);
    document.body.dataset.state = 'ready';
    send({ type: 'decode', id: ++decodeId, z: [0, 0] });
  } else if (msg.type === 'decoded') {
    if (msg.id === decodeId) drawDigit(msg.pixels);
  } else {
    status.textContent = `error: ${msg.message}`;
    document.body.dataset.state = 'error';
    console.error(msg.message);
  }
};

drawLegend();
plane.addEventListener('pointermove', onPointer);
const epochs = Number(new URLSearchParams(location.search).get('epochs') ?? 15);
send({ type: 'train', epochs, seed: 1 });
