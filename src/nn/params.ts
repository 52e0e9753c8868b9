import { z } from 'zod';
import type { EnvSpec } from '../env.ts';
import { InputError } from '../errors.ts';

/**
 * A network's parameters as named tensors in one flat Float32Array, so that a GPU kernel binds a
 * single storage buffer and finds each tensor at a constant offset.
 *
 * Layout: the tensors of `ParamLayout.tensors`, in that order, back to back with no padding. Each
 * tensor is stored row-major (C order) over its shape: a dense weight [out, in] has element
 * (o, i) at offset + o·in + i; a conv weight [out, in, 3, 3] has (o, c, ky, kx) at
 * offset + ((o·in + c)·3 + ky)·3 + kx. Offsets and sizes count float32 elements, not bytes. The
 * order is: shared torso, actor (policy) layers, the Gaussian log-std, critic layers. Because there
 * is no padding, this buffer is byte for byte the data section of the safetensors file that
 * src/nn/safetensors.ts writes.
 *
 * Names and shapes are those of the PyTorch modules CleanRL builds, so a state_dict loads as is:
 * nn.Linear stores weight [out, in] and bias [out]; nn.Conv2d weight [out, in, 3, 3] and bias [out];
 * a torso is an nn.Sequential whose activation and flatten modules take indices too, so the
 * n-th module's tensors are `<prefix>.<n>.weight` and `<prefix>.<n>.bias`:
 *
 * - separate torsos (CleanRL ppo.py): `actor.0`, `actor.2`, … ending with the policy output layer,
 *   `critic.0`, `critic.2`, … ending with the value output layer;
 * - a shared torso (CleanRL ppo_atari.py): `network.0`, … then single-Linear heads `actor` and
 *   `critic` (tensors `actor.weight`, `critic.bias`, …);
 * - a Gaussian policy (CleanRL ppo_continuous_action.py) calls its mean network `actor_mean`
 *   instead of `actor` and has the state-independent `actor_logstd` of shape [1, actionDim].
 */

export type Activation = 'tanh' | 'relu';

const activationSchema = z.enum(['tanh', 'relu']);

/**
 * The network's description. It is stored as JSON in every parameter file, so it is a zod schema:
 * the same check applies to a config built in code and to one read back from a file.
 */
export const networkConfigSchema = z.strictObject({
  /** One env's observation shape: [n] for vectors (any shape is flattened), [H, W, C] for grids. */
  observationShape: z.array(z.number().int().positive()).min(1),
  torso: z.discriminatedUnion('kind', [
    /** Dense layers of the given widths, each followed by the activation. */
    z.strictObject({ kind: z.literal('mlp'), hidden: z.array(z.number().int().positive()), activation: activationSchema }),
    /**
     * MinAtar's network: 3×3 conv, 16 channels, stride 1, no padding on the [row][col][channel]
     * grid → ReLU → flatten → dense 128 → ReLU.
     */
    z.strictObject({ kind: z.literal('minatar') }),
  ]),
  /** One torso feeding both heads, or one torso each for the actor and the critic. */
  sharedTorso: z.boolean(),
  policy: z.discriminatedUnion('kind', [
    /** Logits over `actions` discrete actions. */
    z.strictObject({ kind: z.literal('categorical'), actions: z.number().int().min(2) }),
    /** Diagonal Gaussian: the network outputs the mean; the log-std is a parameter of its own. */
    z.strictObject({ kind: z.literal('gaussian'), actionDim: z.number().int().positive() }),
  ]),
  /** Whether there is a value head (REINFORCE without a baseline has none). */
  critic: z.boolean(),
});
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

/** What a tensor is for; init.ts picks the initialization (and its gain) from this. */
export type TensorRole = 'hidden' | 'policy' | 'value';
export type TensorKind = 'weight' | 'bias' | 'logstd';

export interface TensorSpec {
  name: string;
  shape: readonly number[];
  /** First element, in float32 elements from the start of the buffer. */
  offset: number;
  /** Number of elements (the product of the shape). */
  size: number;
  role: TensorRole;
  kind: TensorKind;
}

export interface ParamLayout {
  tensors: readonly TensorSpec[];
  /** Total float32 elements. */
  size: number;
}

/**
 * One step of a torso or head, in PyTorch's nn.Sequential order. Activations are stored batch-major
 * as flat vectors; a conv input is [row][col][channel] (the env's observation layout) and a conv
 * output is [channel][row][col] (PyTorch's NCHW), so `flatten` leaves memory as it is and the
 * flattened feature index is channel·outH·outW + row·outW + col, as nn.Flatten after nn.Conv2d.
 * A PyTorch model that permutes the observation to [channel][row][col] before its conv therefore
 * computes the same function with these tensors.
 */
export type Layer =
  | { kind: 'dense'; inputs: number; outputs: number; weight: TensorSpec; bias: TensorSpec }
  | {
      kind: 'conv3x3';
      /** Input grid; the output is (height − 2) × (width − 2) × outChannels (valid, stride 1). */
      height: number;
      width: number;
      inChannels: number;
      outChannels: number;
      weight: TensorSpec;
      bias: TensorSpec;
    }
  | { kind: 'activation'; fn: Activation }
  | { kind: 'flatten' };

export interface Network {
  config: NetworkConfig;
  layout: ParamLayout;
  /** Floats in one observation (the network's input width). */
  inputSize: number;
  /** Layers from the observation to the features both heads read; empty with separate torsos. */
  shared: readonly Layer[];
  /** Layers from the shared features (or the observation) to the logits or Gaussian mean. */
  actor: readonly Layer[];
  /** Layers from the shared features (or the observation) to the value; null without a critic. */
  critic: readonly Layer[] | null;
  /** `actor_logstd` for a Gaussian policy, else null. */
  logStd: TensorSpec | null;
  /** Logits per observation (categorical) or action dimensions (Gaussian). */
  policySize: number;
}

export const MINATAR_CONV_CHANNELS = 16;
export const MINATAR_DENSE_UNITS = 128;

/** Appends tensors one after another; offsets follow from the order of the calls. */
class LayoutBuilder {
  readonly tensors: TensorSpec[] = [];
  size = 0;

  add(name: string, shape: number[], role: TensorRole, kind: TensorKind): TensorSpec {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec: TensorSpec = { name, shape, offset: this.size, size, role, kind };
    this.tensors.push(spec);
    this.size += size;
    return spec;
  }

  dense(module: string, inputs: number, outputs: number, role: TensorRole): Layer {
    const weight = this.add(`${module}.weight`, [outputs, inputs], role, 'weight');
    const bias = this.add(`${module}.bias`, [outputs], role, 'bias');
    return { kind: 'dense', inputs, outputs, weight, bias };
  }
}

/** A torso as an nn.Sequential named `prefix`; returns its layers and the width of its output. */
function torso(builder: LayoutBuilder, prefix: string, config: NetworkConfig): { layers: Layer[]; outputs: number } {
  const layers: Layer[] = [];
  if (config.torso.kind === 'mlp') {
    let width = config.observationShape.reduce((a, b) => a * b, 1);
    for (const units of config.torso.hidden) {
      layers.push(builder.dense(`${prefix}.${layers.length}`, width, units, 'hidden'));
      layers.push({ kind: 'activation', fn: config.torso.activation });
      width = units;
    }
    return { layers, outputs: width };
  }
  const [height, width, inChannels] = config.observationShape;
  const conv = `${prefix}.${layers.length}`;
  const weight = builder.add(`${conv}.weight`, [MINATAR_CONV_CHANNELS, inChannels, 3, 3], 'hidden', 'weight');
  const bias = builder.add(`${conv}.bias`, [MINATAR_CONV_CHANNELS], 'hidden', 'bias');
  layers.push({ kind: 'conv3x3', height, width, inChannels, outChannels: MINATAR_CONV_CHANNELS, weight, bias });
  layers.push({ kind: 'activation', fn: 'relu' }, { kind: 'flatten' });
  const features = MINATAR_CONV_CHANNELS * (height - 2) * (width - 2);
  layers.push(builder.dense(`${prefix}.${layers.length}`, features, MINATAR_DENSE_UNITS, 'hidden'));
  layers.push({ kind: 'activation', fn: 'relu' });
  return { layers, outputs: MINATAR_DENSE_UNITS };
}

/** Checks a config, from code or from a file's JSON; throws InputError naming the bad field. */
export function parseNetworkConfig(value: unknown): NetworkConfig {
  const parsed = networkConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`network config: field '${issue.path.join('.') || '(config)'}': ${issue.message}`);
  }
  const shape = parsed.data.observationShape;
  if (parsed.data.torso.kind === 'minatar' && (shape.length !== 3 || shape[0] < 3 || shape[1] < 3)) {
    throw new InputError(`network config: the minatar torso needs a [height, width, channels] grid of at least 3×3, got [${shape.join(', ')}]`);
  }
  return parsed.data;
}

/** Lays out the parameters of a network (after checking its config) and lists its layers. */
export function buildNetwork(input: NetworkConfig): Network {
  const config = parseNetworkConfig(input);
  const shape = config.observationShape;

  const builder = new LayoutBuilder();
  const policySize = config.policy.kind === 'categorical' ? config.policy.actions : config.policy.actionDim;
  const actorName = config.policy.kind === 'categorical' ? 'actor' : 'actor_mean';
  let shared: Layer[] = [];
  let actor: Layer[];
  let critic: Layer[] | null = null;
  let logStd: TensorSpec | null = null;

  // Heads of a shared torso are single Linear modules (`actor.weight`); with separate torsos the
  // head is the next module of that torso's Sequential (`actor.4.weight`).
  if (config.sharedTorso) {
    const body = torso(builder, 'network', config);
    shared = body.layers;
    actor = [builder.dense(actorName, body.outputs, policySize, 'policy')];
    if (config.policy.kind === 'gaussian') logStd = builder.add('actor_logstd', [1, policySize], 'policy', 'logstd');
    if (config.critic) critic = [builder.dense('critic', body.outputs, 1, 'value')];
  } else {
    const actorBody = torso(builder, actorName, config);
    actor = [...actorBody.layers, builder.dense(`${actorName}.${actorBody.layers.length}`, actorBody.outputs, policySize, 'policy')];
    if (config.policy.kind === 'gaussian') logStd = builder.add('actor_logstd', [1, policySize], 'policy', 'logstd');
    if (config.critic) {
      const criticBody = torso(builder, 'critic', config);
      critic = [...criticBody.layers, builder.dense(`critic.${criticBody.layers.length}`, criticBody.outputs, 1, 'value')];
    }
  }

  return {
    config,
    layout: { tensors: builder.tensors, size: builder.size },
    inputSize: shape.reduce((a, b) => a * b, 1),
    shared,
    actor,
    critic,
    logStd,
    policySize,
  };
}

/**
 * The usual network for an env: grids get the MinAtar torso shared by both heads (as CleanRL's
 * Atari agent), vectors two separate 64-64 tanh torsos (as CleanRL's ppo.py); discrete actions get
 * a categorical policy, Pendulum's torque a one-dimensional Gaussian. `overrides` replaces any field.
 */
export function networkConfigFor(spec: EnvSpec, overrides: Partial<NetworkConfig> = {}): NetworkConfig {
  const grid = spec.observationShape.length === 3;
  const policy: NetworkConfig['policy'] =
    spec.actionSpace.kind === 'discrete' ? { kind: 'categorical', actions: spec.actionSpace.n } : { kind: 'gaussian', actionDim: 1 };
  return {
    observationShape: [...spec.observationShape],
    torso: grid ? { kind: 'minatar' } : { kind: 'mlp', hidden: [64, 64], activation: 'tanh' },
    sharedTorso: grid,
    policy,
    critic: true,
    ...overrides,
  };
}

/** The tensor called `name`; throws if the layout has none. */
export function tensorByName(layout: ParamLayout, name: string): TensorSpec {
  const spec = layout.tensors.find((tensor) => tensor.name === name);
  if (!spec) throw new RangeError(`no tensor '${name}' in this layout; tensors: ${layout.tensors.map((t) => t.name).join(', ')}`);
  return spec;
}

/** A view of one tensor's elements inside the flat buffer (no copy). */
export function tensorView<T extends Float32Array | Float64Array>(params: T, spec: TensorSpec): T {
  return params.subarray(spec.offset, spec.offset + spec.size) as T;
}
