import { InputError } from '../errors.ts';
import type { Layer, Network } from '../nn/params.ts';

/** `MAX_STAGES` and the `Stage` struct in shaders/train/program.wgsl. */
export const MAX_STAGES = 16;
const STAGE_WORDS = 16;
/** vec4s of the stage table at the start of the packed weights buffer. */
const TABLE_VEC4S = (MAX_STAGES * STAGE_WORDS) / 4;
const ACTIVATION_CODES = { none: 0, tanh: 1, relu: 2 } as const;
const KIND_CODES = { dense: 0, conv3x3: 1 } as const;

/** Floats a vector of n values takes in a row's scratch: n, a 1 that carries the bias, zeros to a multiple of 4. */
export const paddedWidth = (n: number) => 4 * Math.ceil((n + 1) / 4);

/**
 * One layer and the activation after it, as the fused kernels run it. A conv3x3 stage is the dense
 * layer [W | b] over each output position's 3×3 patch (inputs = channels · 9, in PyTorch's
 * [channel][ky][kx] order, so that W is nn.Conv2d's weight as it lies), applied at `positions`
 * positions; its output vector is [channel][row][col] as nn.Flatten's.
 */
export interface Stage {
  kind: keyof typeof KIND_CODES;
  inputs: number;
  outputs: number;
  /** The conv's input grid (0 for a dense stage) and its output positions (1 for a dense stage). */
  grid: { height: number; width: number; channels: number };
  positions: number;
  /** In floats from the start of the parameter buffer: W [outputs, inputs], b [outputs]. */
  weight: number;
  bias: number;
  /** Offsets in a row's scratch (floats, multiples of 4): where the input is read and the output written. */
  inputAt: number;
  outputAt: number;
  activation: keyof typeof ACTIVATION_CODES;
  /** The stage whose output is the input; −1 for the observation. */
  inputStage: number;
  /** In vec4s of the packed weights buffer (pack.wgsl): [W | b]ᵀ for the forward pass, W for the backward pass. */
  forward: number;
  backward: number;
  /** The first of this stage's 8×8 blocks of [W | b] in parameter_gradients' grid. */
  firstBlock: number;
}

/**
 * A network (src/nn/params.ts) as the table of stages that shaders/train/network.wgsl interprets:
 * a row's scratch holds the observation at 0 and each stage's output after it, each padded as
 * paddedWidth, so the whole forward pass and its backward pass need no other memory.
 */
export interface NetProgram {
  stages: Stage[];
  /** Floats of scratch per row (a multiple of 4). */
  actStride: number;
  logitsAt: number;
  valueAt: number | null;
  /** vec4s of the packed weights buffer (the table included), and the most of one stage. */
  packedSize: number;
  largestPackedStage: number;
  /**
   * A Gaussian policy's actor_logstd: its offset in the parameters, the vec4 of the packed weights
   * buffer that holds it (in .x) and the gradient block that sums its gradient; null for categorical.
   */
  logStd: { param: number; packedAt: number; block: number } | null;
  /** 8×8 gradient blocks over all stages, and the log σ's block. */
  gradientBlocks: number;
  /** The stage table, the start of the packed weights buffer (program.wgsl). */
  table: Uint32Array<ArrayBuffer>;
}

export function netProgram(net: Network): NetProgram {
  // The env driver takes one action word per env.
  if (net.config.policy.kind === 'gaussian' && net.config.policy.actionDim !== 1) {
    throw new InputError(`training on the GPU supports one-dimensional continuous actions only, got ${net.config.policy.actionDim} dimensions`);
  }
  const stages: Stage[] = [];
  let next = paddedWidth(net.inputSize);
  let packed = TABLE_VEC4S;
  let blocks = 0;
  const chain = (layers: readonly Layer[], inputStage: number): number => {
    let from = inputStage;
    for (const layer of layers) {
      if (layer.kind === 'dense' || layer.kind === 'conv3x3') {
        const inputAt = from < 0 ? 0 : stages[from].outputAt;
        const conv = layer.kind === 'conv3x3';
        // The conv only reads the observation (the kernels compute no gradient for its input).
        if (conv && from >= 0) throw new InputError('the fused kernels run a conv3x3 layer only as the first layer, on the observation');
        const grid = conv ? { height: layer.height, width: layer.width, channels: layer.inChannels } : { height: 0, width: 0, channels: 0 };
        const positions = conv ? (layer.height - 2) * (layer.width - 2) : 1;
        const inputs = conv ? 9 * layer.inChannels : layer.inputs;
        const outputs = conv ? layer.outChannels : layer.outputs;
        const outputBlocks = Math.ceil(outputs / 4);
        const forward = packed;
        packed += paddedWidth(inputs) * outputBlocks;
        const backward = from < 0 ? 0 : packed;
        if (from >= 0) packed += outputs * Math.ceil(inputs / 4);
        // Each stage's blocks start a group of four invocations, which SwiftShader runs in lockstep.
        blocks = Math.ceil(blocks / 4) * 4;
        stages.push({ kind: layer.kind, inputs, outputs, grid, positions, weight: layer.weight.offset, bias: layer.bias.offset, inputAt, outputAt: next, activation: 'none', inputStage: from, forward, backward, firstBlock: blocks });
        blocks += Math.ceil(outputBlocks / 2) * Math.ceil(paddedWidth(inputs) / 8);
        next += paddedWidth(outputs * positions);
        from = stages.length - 1;
      } else if (layer.kind === 'activation') {
        stages[from].activation = layer.fn;
      }
    }
    return from;
  };
  const features = chain(net.shared, -1);
  const actor = chain(net.actor, features);
  const critic = net.critic ? chain(net.critic, features) : null;
  if (stages.length > MAX_STAGES) throw new InputError(`the network has ${stages.length} layers with parameters; the fused kernels take at most ${MAX_STAGES}`);

  const weightsEnd = packed;
  // A Gaussian policy's log σ: one vec4 after the stages' weights, and parameter_gradients' last block.
  const logStd = net.logStd === null ? null : { param: net.logStd.offset, packedAt: packed++, block: blocks++ };

  const table = new Uint32Array(MAX_STAGES * STAGE_WORDS);
  stages.forEach((stage, s) => {
    const at = s * STAGE_WORDS;
    table.set([stage.inputs, stage.outputs, stage.weight, stage.bias, stage.inputAt, stage.outputAt, ACTIVATION_CODES[stage.activation]], at);
    new Int32Array(table.buffer)[at + 7] = stage.inputStage;
    table.set([stage.forward, stage.backward, stage.firstBlock, KIND_CODES[stage.kind], stage.grid.height, stage.grid.width, stage.grid.channels], at + 8);
  });
  return {
    stages,
    actStride: next,
    logitsAt: stages[actor].outputAt,
    valueAt: critic === null ? null : stages[critic].outputAt,
    packedSize: packed,
    logStd,
    largestPackedStage: Math.max(...stages.map((stage, s) => (s + 1 < stages.length ? stages[s + 1].forward : weightsEnd) - stage.forward)),
    gradientBlocks: blocks,
    table,
  };
}
