import { InputError } from '../errors.ts';
import type { Layer, Network } from '../nn/params.ts';

/** `MAX_STAGES` and the `Stage` struct in shaders/train/network.wgsl. */
export const MAX_STAGES = 16;
const STAGE_WORDS = 8;
const ACTIVATION_CODES = { none: 0, tanh: 1, relu: 2 } as const;

/** One dense layer and the activation after it, as the fused kernels run it. */
export interface Stage {
  inputs: number;
  outputs: number;
  weight: number;
  bias: number;
  /** Offsets in a row's scratch (floats): where the input is read and the output written. */
  inputAt: number;
  outputAt: number;
  activation: keyof typeof ACTIVATION_CODES;
  /** The stage whose output is the input; −1 for the observation. */
  inputStage: number;
}

/**
 * A network (src/nn/params.ts) as the table of stages that shaders/train/network.wgsl interprets,
 * one row per invocation: a row's scratch holds the observation at 0 and each stage's output after
 * it, so the whole forward pass and its backward pass need no other memory.
 */
export interface NetProgram {
  stages: Stage[];
  /** Floats of scratch per row. */
  actStride: number;
  logitsAt: number;
  valueAt: number | null;
  /** The uniform buffer's contents (`NetProgram` in network.wgsl). */
  table: Uint32Array<ArrayBuffer>;
}

export function netProgram(net: Network): NetProgram {
  if (net.config.policy.kind !== 'categorical') {
    throw new InputError('training on the GPU supports discrete actions only for now (a Gaussian policy, for Pendulum, has no fused kernels yet)');
  }
  const stages: Stage[] = [];
  let next = net.inputSize;
  const chain = (layers: readonly Layer[], inputStage: number): number => {
    let from = inputStage;
    for (const layer of layers) {
      if (layer.kind === 'dense') {
        const inputAt = from < 0 ? 0 : stages[from].outputAt;
        stages.push({ inputs: layer.inputs, outputs: layer.outputs, weight: layer.weight.offset, bias: layer.bias.offset, inputAt, outputAt: next, activation: 'none', inputStage: from });
        next += layer.outputs;
        from = stages.length - 1;
      } else if (layer.kind === 'activation') {
        stages[from].activation = layer.fn;
      } else if (layer.kind === 'conv3x3') {
        throw new InputError("training on the GPU supports MLP networks only for now: the MinAtar CNN has no fused kernels yet (use --network mlp)");
      }
    }
    return from;
  };
  const features = chain(net.shared, -1);
  const actor = chain(net.actor, features);
  const critic = net.critic ? chain(net.critic, features) : null;
  if (stages.length > MAX_STAGES) throw new InputError(`the network has ${stages.length} dense layers; the fused kernels take at most ${MAX_STAGES}`);

  const table = new Uint32Array(MAX_STAGES * STAGE_WORDS);
  stages.forEach((stage, s) => {
    table.set([stage.inputs, stage.outputs, stage.weight, stage.bias, stage.inputAt, stage.outputAt, ACTIVATION_CODES[stage.activation]], s * STAGE_WORDS);
    new Int32Array(table.buffer)[s * STAGE_WORDS + 7] = stage.inputStage;
  });
  return {
    stages,
    actStride: next,
    logitsAt: stages[actor].outputAt,
    valueAt: critic === null ? null : stages[critic].outputAt,
    table,
  };
}
