import { expect } from 'vitest';
import { createStorageBuffer, readBuffer } from '../src/gpu/buffers.ts';
import { CounterRng } from '../src/rng/source.ts';

/**
 * Shared by the nn_gpu tests: buffers in and out, and the float32-against-float64 comparison.
 *
 * Tolerance. The kernels compute in float32 (unit roundoff u = 6e-8) what the reference computes in
 * float64 on the same float32 inputs. A sum of K products carries a rounding error of about
 * u·√K·(its partial sums), up to u·K·Σ|terms| in the worst case; the longest sums here are weight
 * gradients over a batch (K = 8,192 rows in the cost test, in splits of 256), and SwiftShader's exp
 * and log (the log-softmax) are good to about 2e-6 relative. An element passes when
 *   |gpu − ref| ≤ 1e-4 · max(|ref|, 0.1 · max_k |ref_k|):
 * 1e-4 relative for elements within a factor 10 of the tensor's largest, and an absolute floor of
 * 1e-5 of the largest below that, where a sum that cancels to near zero keeps the absolute error of
 * its terms and a relative error would mean nothing. The errors measured are reported (they sit
 * one to two orders of magnitude below this).
 */
export const RELATIVE_TOLERANCE = 1e-4;
export const FLOOR_FRACTION = 0.1;

/** The worst |gpu − ref| / max(|ref|, 0.1 · max|ref|) over the elements; 0 for an all-zero reference. */
export function scaledError(gpu: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (gpu.length !== ref.length) throw new RangeError(`length ${gpu.length} against ${ref.length}`);
  let largest = 0;
  for (let k = 0; k < ref.length; k++) largest = Math.max(largest, Math.abs(ref[k]));
  const floor = FLOOR_FRACTION * largest;
  let worst = 0;
  for (let k = 0; k < ref.length; k++) {
    const difference = Math.abs(gpu[k] - ref[k]);
    if (difference === 0) continue;
    worst = Math.max(worst, difference / Math.max(Math.abs(ref[k]), floor));
  }
  return worst;
}

/** Worst errors seen, by label, printed by reportWorstErrors. */
const worstErrors = new Map<string, number>();

export function expectClose(gpu: ArrayLike<number>, ref: ArrayLike<number>, label: string): void {
  const error = scaledError(gpu, ref);
  worstErrors.set(label, Math.max(worstErrors.get(label) ?? 0, error));
  expect(error, label).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
}

export function reportWorstErrors(title: string): void {
  const lines = [...worstErrors].map(([label, error]) => `  ${label.padEnd(40)} ${error.toExponential(2)}`);
  console.log(`${title}: worst |gpu − ref| / max(|ref|, 0.1·max|ref|)\n${lines.join('\n')}`);
}

/** Deterministic float32 values uniform in [lo, hi); each tag is its own stream. */
export function randomFloats(n: number, tag: number, lo = -1, hi = 1): Float32Array<ArrayBuffer> {
  const rng = new CounterRng(4242, 9, tag, 0);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

export function randomInts(n: number, tag: number, below: number): Uint32Array<ArrayBuffer> {
  const rng = new CounterRng(4242, 10, tag, 0);
  return Uint32Array.from({ length: n }, () => rng.int(0, below));
}

/**
 * Runs body with WebGPU's validation and out-of-memory errors captured, and fails on the first:
 * without this, a WGSL compile error only shows as outputs that stayed zero.
 */
export async function withGpuErrorsChecked<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  try {
    return await body();
  } finally {
    // A GPU error is the cause of whatever the body then found wrong, so it is the one reported.
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    if (validation || memory) throw new Error(`WebGPU error: ${(validation ?? memory)?.message}`);
  }
}

export function upload(device: GPUDevice, label: string, data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>): GPUBuffer {
  const buffer = createStorageBuffer(device, label, data.byteLength);
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

export async function readFloats(device: GPUDevice, buffer: GPUBuffer): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, buffer));
}

/** Records dispatches into one compute pass, submits it and waits for the GPU. */
export async function runPass(device: GPUDevice, record: (pass: GPUComputePassEncoder) => void): Promise<void> {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  record(pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}
