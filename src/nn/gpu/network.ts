import { createStorageBuffer } from '../../gpu/buffers.ts';
import type { GpuContext } from '../../gpu/context.ts';
import type { Layer, Network } from '../params.ts';
import { GpuCategoricalHead } from './categorical.ts';
import { GpuDenseLayer, type DenseActivation, type DenseLayerSpec, type MatmulCore } from './dense.ts';
import { createPartialsBuffer, GpuGradientReduction, gradientSplits, type GradientSplits } from './gradients.ts';

export interface GpuNetworkOptions {
  batch: number;
  /** Build the backward pass and its buffers (false: forward only, e.g. for acting in the envs). */
  training?: boolean;
  rowsPerSplit?: number;
  core?: MatmulCore;
}

/** A dense layer with the activation that follows it, which its kernels apply. */
interface DenseStage {
  layer: DenseLayerSpec;
  activation: DenseActivation;
}

/** A torso or head as dense stages; flatten is free in the batch-major layout. */
function denseStages(layers: readonly Layer[]): DenseStage[] {
  const stages: DenseStage[] = [];
  for (const layer of layers) {
    if (layer.kind === 'dense') {
      stages.push({ layer, activation: 'none' });
    } else if (layer.kind === 'activation') {
      const last = stages[stages.length - 1];
      if (!last || last.activation !== 'none') throw new RangeError('GpuNetwork: an activation must follow a dense layer');
      last.activation = layer.fn;
    } else if (layer.kind === 'conv3x3') {
      throw new RangeError('GpuNetwork: conv3x3 layers (the MinAtar torso) have no GPU kernels yet');
    }
  }
  return stages;
}

/** A chain of dense stages with the buffers between them. */
interface Part {
  layers: GpuDenseLayer[];
  /** The last stage's output, its gradient buffer and activation (the part's input ones when empty). */
  output: GPUBuffer;
  dOutput: GPUBuffer | null;
  activation: DenseActivation;
}

/**
 * A policy-value network (src/nn/params.ts: MLP torsos, shared or separate, a categorical policy
 * and an optional value head) on a fixed-size batch, as GPU dispatches over one flat parameter
 * buffer. Write `obs` and `actions`; recordForward fills `logits`, `logProb`, `entropy` and `value`.
 * Write the loss's derivatives into `dLogProb`, `dEntropy` and `dValue`; recordBackward adds the
 * gradient with respect to every parameter into `grads` (as backward in src/nn/reference.ts) and
 * leaves the partial sums of squares for GpuAdam's clipping in `reduction`. GpuAdam zeroes `grads`
 * after each update, so each minibatch's backward starts from zero.
 *
 * Dispatches: one per dense layer and one for the head forward; backward, one for the head, two
 * per dense layer (one for a layer reading the observation, whose input gradient is not needed)
 * and one reduction.
 */
export class GpuNetwork {
  readonly batch: number;
  readonly params: GPUBuffer;
  /** batch × inputSize floats, and batch u32 action indices. */
  readonly obs: GPUBuffer;
  readonly actions: GPUBuffer;
  /** batch × actions floats; batch floats each for the others (value: null without a critic). */
  readonly logits: GPUBuffer;
  readonly logProb: GPUBuffer;
  readonly entropy: GPUBuffer;
  readonly value: GPUBuffer | null;
  /** The loss's derivatives, batch floats each (null when built without training). */
  readonly dLogProb: GPUBuffer | null = null;
  readonly dEntropy: GPUBuffer | null = null;
  readonly dValue: GPUBuffer | null = null;
  /** ∂loss/∂params in the flat layout, and what fills it (null without training). */
  readonly grads: GPUBuffer | null = null;
  readonly splits: GradientSplits;
  readonly reduction: GpuGradientReduction | null = null;

  private readonly parts: Part[];
  private readonly head: GpuCategoricalHead;

  constructor(
    gpu: GpuContext,
    readonly net: Network,
    options: GpuNetworkOptions,
  ) {
    const { device } = gpu;
    const { batch } = options;
    const training = options.training ?? true;
    if (net.config.policy.kind !== 'categorical') throw new RangeError('GpuNetwork: Gaussian policies have no GPU kernels yet');
    this.batch = batch;
    const paramCount = net.layout.size;
    this.splits = gradientSplits(batch, paramCount, options.rowsPerSplit);
    const floats = (label: string, width: number) => createStorageBuffer(device, label, batch * width * 4);

    this.params = createStorageBuffer(device, 'params', paramCount * 4);
    this.obs = floats('obs', net.inputSize);
    this.actions = createStorageBuffer(device, 'actions', batch * 4);
    const partials = training ? createPartialsBuffer(device, this.splits) : null;
    if (training) this.grads = createStorageBuffer(device, 'grads', paramCount * 4);

    // A part's layers start from the output of `input` (the observation or the shared torso) and
    // send the dz of its last stage to input.dOutput, if any. Each layer's backward writes the dz of
    // the stage before it, applying that stage's act′.
    const buildPart = (name: string, layers: readonly Layer[], input: Part, accumulateInput: boolean): Part => {
      const part: Part = { ...input, layers: [] };
      for (const { layer, activation } of denseStages(layers)) {
        const output = floats(`${name} ${layer.weight.name} output`, layer.outputs);
        const dOutput = partials ? floats(`${name} ${layer.weight.name} output gradient`, layer.outputs) : null;
        const buffers = { params: this.params, input: part.output, output };
        // Only the part's first layer may add into its input gradient (shared features).
        const accumulate = part.layers.length === 0 && accumulateInput;
        const gradients =
          partials && dOutput ? { dOutput, dInput: part.dOutput, inputActivation: part.activation, accumulateInput: accumulate, partials } : undefined;
        part.layers.push(new GpuDenseLayer(gpu, { layer, activation, batch, splits: this.splits, buffers, gradients, core: options.core }));
        part.output = output;
        part.dOutput = dOutput;
        part.activation = activation;
      }
      return part;
    };
    const observation: Part = { layers: [], output: this.obs, dOutput: null, activation: 'none' };
    const shared = buildPart('shared', net.shared, observation, false);
    // With a shared torso the actor writes the features' gradient and the critic adds to it. The
    // policy and value layers have no activation, so the gradients of the logits and the value
    // are their dz.
    const actor = buildPart('actor', net.actor, shared, false);
    const critic = net.critic ? buildPart('critic', net.critic, shared, true) : null;
    this.parts = [shared, actor, ...(critic ? [critic] : [])];

    this.logits = actor.output;
    this.value = critic ? critic.output : null;
    this.logProb = floats('log prob', 1);
    this.entropy = floats('entropy', 1);
    const headBuffers = { logits: this.logits, actions: this.actions, logProb: this.logProb, entropy: this.entropy };
    if (partials && this.grads) {
      this.dLogProb = floats('d log prob', 1);
      this.dEntropy = floats('d entropy', 1);
      this.dValue = critic ? critic.dOutput : null;
      const dLogits = actor.dOutput as GPUBuffer;
      this.head = new GpuCategoricalHead(gpu, batch, net.policySize, headBuffers, { dLogProb: this.dLogProb, dEntropy: this.dEntropy, dLogits });
      this.reduction = new GpuGradientReduction(gpu, this.splits, { partials, grads: this.grads });
    } else {
      this.head = new GpuCategoricalHead(gpu, batch, net.policySize, headBuffers);
    }
  }

  recordForward(pass: GPUComputePassEncoder): void {
    for (const part of this.parts) for (const layer of part.layers) layer.recordForward(pass);
    this.head.recordForward(pass);
  }

  /** Needs the forward pass's outputs of the same batch, and the loss's derivatives. */
  recordBackward(pass: GPUComputePassEncoder): void {
    if (!this.reduction) throw new Error('this network was built without training buffers');
    this.head.recordBackward(pass);
    // Heads before the shared torso, whose output gradient they write; each part from its end.
    const [shared, ...heads] = this.parts;
    for (const part of [...heads, shared]) for (const layer of [...part.layers].reverse()) layer.recordBackward(pass);
    this.reduction.record(pass);
  }
}
