import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../src/gpu/context.ts';
import { GpuAdam } from '../src/nn/gpu/adam.ts';
import { createPartialsBuffer, GpuGradientReduction, gradientSplits } from '../src/nn/gpu/gradients.ts';
import { Adam, clipGradNorm, globalNorm } from '../src/nn/reference.ts';
import { createStorageBuffer } from '../src/gpu/buffers.ts';
import { testGpu } from './helpers/gpu.ts';
import { expectClose, randomFloats, readFloats, reportWorstErrors, upload, withGpuErrorsChecked } from './nn_gpu_helpers.ts';

const PARAM_COUNT = 1001;

/**
 * Gradients for `steps` updates, [steps × PARAM_COUNT]: uniform in ±1 times a per-element scale
 * from 1e-7 to 1, so that eps (1e-5) dominates √v̂ for some elements and not for others.
 */
function gradientSequence(steps: number, tag: number): Float32Array<ArrayBuffer> {
  const scales = randomFloats(PARAM_COUNT, tag, -7, 0).map((exponent) => 10 ** exponent);
  const sequence = new Float32Array(steps * PARAM_COUNT);
  for (let t = 0; t < steps; t++) sequence.set(randomFloats(PARAM_COUNT, tag + 1 + t).map((g, k) => g * scales[k]), t * PARAM_COUNT);
  return sequence;
}

/**
 * The reference run: per update, clip (when maxGradNorm is set) then Adam, in float64 from the
 * same float32 start, with θ rounded to float32 after each update as the GPU stores it. What is left
 * between the two is θ's last bit, rounded either way (6e-8 for |θ| < 1, against moves of 5e-3 and
 * more where the comparison is relative): about 1e-5 of the moves compared below.
 * Returns the norm of the last gradient before clipping.
 */
function referenceUpdates(adam: Adam, params: Float64Array, sequence: Float32Array, learningRates: number[], maxGradNorm: number | null): number {
  let norm = 0;
  learningRates.forEach((lr, t) => {
    const grads = Float64Array.from(sequence.subarray(t * PARAM_COUNT, (t + 1) * PARAM_COUNT));
    norm = maxGradNorm === null ? globalNorm(grads) : clipGradNorm(grads, maxGradNorm);
    adam.step(params, grads, lr);
    params.forEach((value, k) => (params[k] = Math.fround(value)));
  });
  return norm;
}

describe('Adam with global-norm clipping on the GPU against the float64 reference', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });
  afterAll(() => reportWorstErrors('Adam'));

  // With maxGradNorm 0.5 every update is clipped (the gradients' norms are about 10); with 100 none is.
  for (const maxGradNorm of [null, 0.5, 100]) {
    it(`takes 4 updates in one command buffer, then 2 more at another learning rate (max norm ${maxGradNorm})`, () =>
      withGpuErrorsChecked(gpu.device, async () => {
        const { device } = gpu;
        const initial = randomFloats(PARAM_COUNT, 1);
        const sequence = gradientSequence(6, 100);
        const params = upload(device, 'params', initial);
        const grads = createStorageBuffer(device, 'grads', PARAM_COUNT * 4);
        // One split: each update's gradient is copied into it, as a backward pass would write it.
        const splits = gradientSplits(1, PARAM_COUNT);
        const partials = createPartialsBuffer(device, splits);
        const gradientSource = upload(device, 'gradient sequence', sequence);
        const reduction = new GpuGradientReduction(gpu, splits, { partials, grads });
        const adam = new GpuAdam(gpu, { params, grads, paramCount: PARAM_COUNT, reduction, learningRate: 0.01, maxGradNorm });

        const submitUpdates = async (first: number, count: number) => {
          const encoder = device.createCommandEncoder();
          for (let t = first; t < first + count; t++) {
            encoder.copyBufferToBuffer(gradientSource, t * PARAM_COUNT * 4, partials, 0, PARAM_COUNT * 4);
            const pass = encoder.beginComputePass();
            reduction.record(pass);
            adam.recordUpdate(pass);
            pass.end();
          }
          device.queue.submit([encoder.finish()]);
          await device.queue.onSubmittedWorkDone();
        };
        await submitUpdates(0, 4);
        adam.setLearningRate(0.003);
        await submitUpdates(4, 2);

        const refParams = Float64Array.from(initial);
        const refAdam = new Adam(PARAM_COUNT);
        const lastNorm = referenceUpdates(refAdam, refParams, sequence, [0.01, 0.01, 0.01, 0.01, 0.003, 0.003], maxGradNorm);

        // The moves, not θ itself: they are what the arithmetic of the update decides.
        const gpuParams = await readFloats(device, params);
        expectClose(gpuParams.map((value, k) => value - initial[k]), refParams.map((value, k) => value - initial[k]), 'θ − θ₀');
        expectClose(await readFloats(device, adam.firstMoment), refAdam.m, 'm');
        expectClose(await readFloats(device, adam.secondMoment), refAdam.v, 'v');
        expect([...(await readFloats(device, grads))].every((g) => g === 0)).toBe(true);

        const state = await adam.readState();
        expect(state.step).toBe(6);
        expectClose([state.gradNorm], [lastNorm], '‖g‖');
        const clipScale = maxGradNorm === null ? 1 : Math.min(1, maxGradNorm / (lastNorm + 1e-6));
        expectClose([state.clipScale], [clipScale], 'clip scale');
      }));
  }
});
