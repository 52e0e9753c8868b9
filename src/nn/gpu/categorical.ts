import type { GpuContext } from '../../gpu/context.ts';
import { makeDispatch, recordDispatches, uniformBuffer, type Dispatch } from './kernels.ts';

/** CATEGORICAL_WORKGROUP in shaders/nn/categorical.wgsl: one invocation per batch item. */
const CATEGORICAL_WORKGROUP = 64;

export interface CategoricalBuffers {
  /** batch × actions floats. */
  logits: GPUBuffer;
  /** batch u32 action indices, each below `actions`. */
  actions: GPUBuffer;
  /** batch floats each: log π(a | s) of the given actions, and the entropy of π(· | s). */
  logProb: GPUBuffer;
  entropy: GPUBuffer;
}

export interface CategoricalGradientBuffers {
  /** batch floats each: the loss's derivatives with respect to logProb and entropy. */
  dLogProb: GPUBuffer;
  dEntropy: GPUBuffer;
  /** batch × actions: receives the loss's gradient with respect to the logits. */
  dLogits: GPUBuffer;
}

/**
 * The categorical policy head on a batch: forward, the log-probabilities of the given actions and
 * the entropies (categorical_forward); backward, the gradient of the logits from the loss's
 * derivatives with respect to those (categorical_backward). One dispatch each.
 */
export class GpuCategoricalHead {
  private readonly forward: Dispatch;
  private readonly backward: Dispatch | null = null;

  constructor(gpu: GpuContext, batch: number, actions: number, buffers: CategoricalBuffers, gradients?: CategoricalGradientBuffers) {
    const dims = uniformBuffer(gpu.device, 'categorical dims', new Uint32Array([batch, actions]).buffer);
    const grid = [Math.ceil(batch / CATEGORICAL_WORKGROUP)];
    this.forward = makeDispatch(gpu, {
      files: ['categorical.wgsl', 'categorical_forward.wgsl'],
      entryPoint: 'categorical_forward',
      buffers: [dims, buffers.logits, buffers.actions, buffers.logProb, buffers.entropy],
      grid,
    });
    if (!gradients) return;
    this.backward = makeDispatch(gpu, {
      files: ['categorical.wgsl', 'categorical_backward.wgsl'],
      entryPoint: 'categorical_backward',
      buffers: [dims, buffers.logits, buffers.actions, gradients.dLogProb, gradients.dEntropy, gradients.dLogits],
      grid,
    });
  }

  recordForward(pass: GPUComputePassEncoder): void {
    recordDispatches(pass, [this.forward]);
  }

  recordBackward(pass: GPUComputePassEncoder): void {
    if (!this.backward) throw new Error('this categorical head was built without gradient buffers');
    recordDispatches(pass, [this.backward]);
  }
}
