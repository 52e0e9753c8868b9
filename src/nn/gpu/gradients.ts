import { createStorageBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/context.ts';
import { makeDispatch, recordDispatches, uniformBuffer, type Dispatch } from './kernels.ts';

/**
 * Rows of the batch that one step of the tiled matmul core consumes (K_STEP in
 * shaders/nn/matmul_tiled.wgsl): a split must start on a step, or its steps would run into the next.
 */
const MATMUL_K_STEP = 16;

/**
 * With 256 rows per split, the weight gradient of a 64 → 64 layer on 8,192 rows is 5 tiles × 32
 * splits = 160 workgroups on the tiled core, enough to fill a GPU, and the partial sums it writes
 * (32 × 4,160 floats) are an eighth of the x and dz it reads.
 */
const DEFAULT_ROWS_PER_SPLIT = 256;

/**
 * How the batch is cut for the weight gradients: dense_backward_weights sums each split of
 * `rowsPerSplit` rows in its own workgroups and writes the sums for every parameter to its slice of
 * the partial-gradient buffer (`count` slices of `paramCount` floats, in the flat layout), and
 * reduce_gradients adds the slices into the gradient buffer.
 */
export interface GradientSplits {
  rowsPerSplit: number;
  count: number;
  paramCount: number;
}

export function gradientSplits(batch: number, paramCount: number, rowsPerSplit = DEFAULT_ROWS_PER_SPLIT): GradientSplits {
  if (!Number.isInteger(rowsPerSplit) || rowsPerSplit <= 0 || rowsPerSplit % MATMUL_K_STEP !== 0) {
    throw new RangeError(`rows per split must be a positive multiple of ${MATMUL_K_STEP}, got ${rowsPerSplit}`);
  }
  return { rowsPerSplit, count: Math.ceil(batch / rowsPerSplit), paramCount };
}

/** Zero-filled, as WebGPU creates buffers; elements that no backward kernel writes stay zero. */
export function createPartialsBuffer(device: GPUDevice, splits: GradientSplits): GPUBuffer {
  return createStorageBuffer(device, 'partial gradients', splits.count * splits.paramCount * 4);
}

const REDUCE_WORKGROUP = 256;
/**
 * Past this many workgroups each invocation loops over several parameters (see
 * reduce_gradients.wgsl); it bounds the norm partials that adam_prepare's single workgroup sums.
 */
const MAX_REDUCE_WORKGROUPS = 64;

/**
 * One dispatch of reduce_gradients: grads += the sum of the partial-gradient slices, and each
 * invocation's sum of squares of the result (`normPartials`, `normPartialCount` floats) for the
 * global-norm clipping in GpuAdam.
 */
export class GpuGradientReduction {
  readonly normPartials: GPUBuffer;
  readonly normPartialCount: number;
  private readonly dispatch: Dispatch;

  constructor(gpu: GpuContext, splits: GradientSplits, buffers: { partials: GPUBuffer; grads: GPUBuffer }) {
    const workgroups = Math.min(Math.ceil(splits.paramCount / REDUCE_WORKGROUP), MAX_REDUCE_WORKGROUPS);
    this.normPartialCount = workgroups * REDUCE_WORKGROUP;
    this.normPartials = createStorageBuffer(gpu.device, 'gradient norm partials', this.normPartialCount * 4);
    const dims = uniformBuffer(gpu.device, 'reduce_gradients dims', new Uint32Array([splits.paramCount, splits.count]).buffer);
    this.dispatch = makeDispatch(gpu, {
      files: ['reduce_gradients.wgsl'],
      entryPoint: 'reduce_gradients',
      buffers: [dims, buffers.partials, buffers.grads, this.normPartials],
      grid: [workgroups],
    });
  }

  record(pass: GPUComputePassEncoder): void {
    recordDispatches(pass, [this.dispatch]);
  }
}
