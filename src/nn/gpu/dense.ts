import type { GpuContext } from '../../gpu/context.ts';
import type { Activation, Layer } from '../params.ts';
import type { GradientSplits } from './gradients.ts';
import { makeDispatch, recordDispatches, uniformBuffer, type Dispatch } from './kernels.ts';

/** ACTIVATION in shaders/nn/dense.wgsl. */
export const ACTIVATION_CODES = { none: 0, relu: 1, tanh: 2 } as const;
export type DenseActivation = 'none' | Activation;

export type DenseLayerSpec = Extract<Layer, { kind: 'dense' }>;

/**
 * Which matmul core the dense kernels compose (shaders/nn/matmul_tiled.wgsl or matmul_direct.wgsl):
 * the workgroup-memory tiles that suit GPUs, or the barrier-free core, which SwiftShader runs up to
 * 3 times faster (the kernels of a 64 → 64 layer on 8,192 rows; matmul_direct.wgsl has the numbers).
 */
export type MatmulCore = 'tiled' | 'direct';

export function matmulCoreFor(gpu: GpuContext): MatmulCore {
  return /swiftshader/i.test(gpu.adapterName) ? 'direct' : 'tiled';
}

/**
 * The longest side of a matmul workgroup, in invocations: a slice of 16 k × 4·32 rows is 8 KiB of
 * workgroup memory, and the tiled core's two slices must fit WebGPU's default 16 KiB.
 */
const MAX_TILE_SIDE = 32;

/** Invocations along the rows and the columns of a matmul workgroup (WG_M, WG_N in matmul.wgsl). */
export interface TileShape {
  wgM: number;
  wgN: number;
}

/**
 * The workgroup shape for a rows × cols product with the given core. Each invocation computes a
 * 4 × 4 block, and a tile overhanging the matrix computes zeros there, so the shape chosen is the
 * one that computes the fewest padded elements; among those, the largest workgroup, then the
 * squarest, which reads the fewest operand values per output. The tiled core runs on GPUs, whose
 * 32- or 64-wide SIMD groups would idle in smaller workgroups, so it always has 64 invocations. The
 * direct core runs on SwiftShader, whose SIMD groups are 4 wide, and takes 16 to 64, so that narrow
 * layers pad less: the 2-logit policy layer gets 128 × 4 tiles there, 128 × 8 with the tiled core.
 */
export function tileShape(rows: number, cols: number, core: MatmulCore): TileShape {
  const workgroupSizes = core === 'tiled' ? [64] : [16, 32, 64];
  let best = { wgM: 0, wgN: 0, padded: Infinity };
  for (const size of workgroupSizes) {
    for (let wgM = 1; wgM <= size; wgM *= 2) {
      const wgN = size / wgM;
      if (wgM > MAX_TILE_SIDE || wgN > MAX_TILE_SIDE) continue;
      const padded = Math.ceil(rows / (4 * wgM)) * 4 * wgM * Math.ceil(cols / (4 * wgN)) * 4 * wgN;
      const bigger = size > best.wgM * best.wgN;
      const squarer = size === best.wgM * best.wgN && wgM + wgN < best.wgM + best.wgN;
      if (padded < best.padded || (padded === best.padded && (bigger || squarer))) best = { wgM, wgN, padded };
    }
  }
  return { wgM: best.wgM, wgN: best.wgN };
}

function matmulDispatch(
  gpu: GpuContext,
  core: MatmulCore,
  kernel: string,
  rows: number,
  cols: number,
  constants: Record<string, number>,
  buffers: GPUBuffer[],
  splits = 1,
): Dispatch {
  const { wgM, wgN } = tileShape(rows, cols, core);
  return makeDispatch(gpu, {
    files: ['matmul.wgsl', `matmul_${core}.wgsl`, 'dense.wgsl', `${kernel}.wgsl`],
    entryPoint: kernel,
    constants: { WG_M: wgM, WG_N: wgN, ...constants },
    buffers,
    grid: [Math.ceil(rows / (4 * wgM)), Math.ceil(cols / (4 * wgN)), splits],
  });
}

export interface DenseBuffers {
  /** The flat parameter buffer (src/nn/params.ts layout). */
  params: GPUBuffer;
  /** batch × inputs floats. */
  input: GPUBuffer;
  /** batch × outputs floats, after the activation. */
  output: GPUBuffer;
}

export interface DenseGradientBuffers {
  /**
   * batch × outputs: the loss's gradient with respect to the layer's pre-activation z = W x + b,
   * dz = dy ⊙ act′(y). Its writer applies act′: the next layer's backward does (see inputActivation);
   * for an output layer, which has no activation, it is the gradient of the output itself.
   */
  dOutput: GPUBuffer;
  /**
   * batch × inputs: receives the dz of the layer that produced this layer's input, dx ⊙ act′(x);
   * null where the input is the observation.
   */
  dInput: GPUBuffer | null;
  /** The activation of the layer that produced the input ('none' unless given). */
  inputActivation?: DenseActivation;
  /** Add into dInput rather than overwrite it (the second of two heads on a shared torso). */
  accumulateInput?: boolean;
  /** The partial-gradient buffer of `splits` (createPartialsBuffer). */
  partials: GPUBuffer;
}

export interface DenseLayerOptions {
  layer: DenseLayerSpec;
  activation: DenseActivation;
  batch: number;
  splits: GradientSplits;
  buffers: DenseBuffers;
  /** Omitted for a forward-only layer (acting in the envs). */
  gradients?: DenseGradientBuffers;
  /** matmulCoreFor(gpu) unless given. */
  core?: MatmulCore;
}

/**
 * A dense layer and its activation on a fixed-size batch, as GPU dispatches:
 * forward, y = act(z) with z = x · Wᵀ + b, one dispatch (dense_forward);
 * backward from dz = dy ⊙ act′(y), two: the previous layer's dz = (dz · W) ⊙ act′(x)
 * (dense_backward_input, skipped without dInput) and the per-split sums of dW = dzᵀ · x and
 * db = Σ dz (dense_backward_weights), which GpuGradientReduction then adds into the gradient buffer.
 */
export class GpuDenseLayer {
  private readonly forward: Dispatch;
  private readonly backward: Dispatch[] | null = null;

  constructor(gpu: GpuContext, options: DenseLayerOptions) {
    const { layer, batch, splits, buffers, gradients } = options;
    const { inputs, outputs } = layer;
    const core = options.core ?? matmulCoreFor(gpu);
    const dims = uniformBuffer(
      gpu.device,
      `${layer.weight.name} dims`,
      new Uint32Array([batch, inputs, outputs, layer.weight.offset, layer.bias.offset, splits.rowsPerSplit, splits.paramCount]).buffer,
    );
    const forwardConstants = { ACTIVATION: ACTIVATION_CODES[options.activation] };
    this.forward = matmulDispatch(gpu, core, 'dense_forward', batch, outputs, forwardConstants, [dims, buffers.params, buffers.input, buffers.output]);
    if (!gradients) return;
    this.backward = [];
    if (gradients.dInput) {
      const constants = { ACTIVATION: ACTIVATION_CODES[gradients.inputActivation ?? 'none'], ACCUMULATE: gradients.accumulateInput ? 1 : 0 };
      const bound = [dims, buffers.params, buffers.input, gradients.dOutput, gradients.dInput];
      this.backward.push(matmulDispatch(gpu, core, 'dense_backward_input', batch, inputs, constants, bound));
    }
    const bound = [dims, buffers.input, gradients.dOutput, gradients.partials];
    this.backward.push(matmulDispatch(gpu, core, 'dense_backward_weights', outputs, inputs + 1, {}, bound, splits.count));
  }

  recordForward(pass: GPUComputePassEncoder): void {
    recordDispatches(pass, [this.forward]);
  }

  recordBackward(pass: GPUComputePassEncoder): void {
    if (!this.backward) throw new Error('this dense layer was built without gradient buffers');
    recordDispatches(pass, this.backward);
  }
}
