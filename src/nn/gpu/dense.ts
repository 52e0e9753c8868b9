import type { GpuContext } from '../../gpu/context.ts';
import type { Activation, Layer } from '../params.ts';
import type { GradientSplits } from './gradients.ts';
import { makeDispatch, recordDispatches, uniformBuffer, type Dispatch } from './kernels.ts';

/** ACTIVATION in shaders/nn/dense.wgsl. */
export const ACTIVATION_CODES = { none: 0, relu: 1, tanh: 2 } as const;
export type DenseActivation = 'none' | Activation;

export type DenseLayerSpec = Extract<Layer, { kind: 'dense' }>;

/** Invocations of a matmul workgroup; each computes a 4 × 4 block, so a tile has 1,024 elements. */
const TILE_INVOCATIONS = 64;
/**
 * The longest side, in invocations: a slice of 16 k × 4·32 rows is 8 KiB of workgroup memory, and
 * both slices must fit WebGPU's default 16 KiB.
 */
const MAX_TILE_SIDE = 32;

/** Invocations along the rows and the columns of a matmul workgroup (WG_M, WG_N in matmul.wgsl). */
export interface TileShape {
  wgM: number;
  wgN: number;
}

/**
 * The workgroup shape for a rows × cols product: the one that computes the fewest padded elements
 * (a tile overhanging the matrix computes zeros there), and among those the squarest, which reads
 * the fewest operand values per output (a step reads 4·(WG_M + WG_N)·K_STEP of them). A 2-column
 * policy layer thus gets 128 × 8 tiles and a 64-unit hidden layer 32 × 32 tiles.
 */
export function tileShape(rows: number, cols: number): TileShape {
  let best: TileShape & { padded: number } = { wgM: 0, wgN: 0, padded: Infinity };
  for (let wgM = TILE_INVOCATIONS / MAX_TILE_SIDE; wgM <= MAX_TILE_SIDE; wgM *= 2) {
    const wgN = TILE_INVOCATIONS / wgM;
    const padded = Math.ceil(rows / (4 * wgM)) * 4 * wgM * Math.ceil(cols / (4 * wgN)) * 4 * wgN;
    const squarer = wgM + wgN < best.wgM + best.wgN;
    if (padded < best.padded || (padded === best.padded && squarer)) best = { wgM, wgN, padded };
  }
  return { wgM: best.wgM, wgN: best.wgN };
}

/**
 * Which matmul core the dense kernels compose (shaders/nn/matmul_tiled.wgsl or matmul_direct.wgsl):
 * the workgroup-memory tiles that suit GPUs, or the barrier-free core, which SwiftShader runs 1.3 to
 * 2.7 times faster (the kernels of a 64 → 64 layer on 8,192 rows; matmul_direct.wgsl has the numbers).
 */
export type MatmulCore = 'tiled' | 'direct';

export function matmulCoreFor(gpu: GpuContext): MatmulCore {
  return /swiftshader/i.test(gpu.adapterName) ? 'direct' : 'tiled';
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
  const { wgM, wgN } = tileShape(rows, cols);
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
  /** batch × outputs: the loss's gradient with respect to the output (after the activation). */
  dOutput: GPUBuffer;
  /** batch × inputs: receives the gradient with respect to the input; null where the input is the observation. */
  dInput: GPUBuffer | null;
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
 * forward, y = act(x · Wᵀ + b), one dispatch (dense_forward);
 * backward, with dy' = dy ⊙ act′(y), two: dx = dy' · W (dense_backward_input, skipped without
 * dInput) and the per-split sums of dW = dy'ᵀ · x and db = Σ dy' (dense_backward_weights), which
 * GpuGradientReduction then adds into the gradient buffer.
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
    const ACTIVATION = ACTIVATION_CODES[options.activation];
    this.forward = matmulDispatch(gpu, core, 'dense_forward', batch, outputs, { ACTIVATION }, [dims, buffers.params, buffers.input, buffers.output]);
    if (!gradients) return;
    this.backward = [];
    if (gradients.dInput) {
      const constants = { ACTIVATION, ACCUMULATE: gradients.accumulateInput ? 1 : 0 };
      const bound = [dims, buffers.params, buffers.output, gradients.dOutput, gradients.dInput];
      this.backward.push(matmulDispatch(gpu, core, 'dense_backward_input', batch, inputs, constants, bound));
    }
    const bound = [dims, buffers.input, buffers.output, gradients.dOutput, gradients.partials];
    this.backward.push(matmulDispatch(gpu, core, 'dense_backward_weights', outputs, inputs + 1, { ACTIVATION }, bound, splits.count));
  }

  recordForward(pass: GPUComputePassEncoder): void {
    recordDispatches(pass, [this.forward]);
  }

  recordBackward(pass: GPUComputePassEncoder): void {
    if (!this.backward) throw new Error('this dense layer was built without gradient buffers');
    recordDispatches(pass, this.backward);
  }
}
