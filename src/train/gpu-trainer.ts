import { createStorageBuffer, readBuffer, readRanges } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/context.ts';
import { computePipeline } from '../gpu/pipelines.ts';
import { composeShader, declaredOverrides } from '../gpu/shaders.ts';
import { initParams } from '../nn/init.ts';
import { buildNetwork, type Network, type NetworkConfig } from '../nn/params.ts';
import { ADAM_DEFAULTS, type AdamConfig } from '../nn/reference.ts';
import { GpuAdam } from '../nn/gpu/adam.ts';
import type { GpuGradientReduction } from '../nn/gpu/gradients.ts';
import { gpuObservationWords } from '../vecenv/observation.ts';
import { createGpuVecEnv, type GpuVecEnv } from '../vecenv/gpu.ts';
import type { VecEnvOptions } from '../vecenv/types.ts';
import { getEnv } from '../../envs/index.ts';
import { InputError } from '../errors.ts';
import { trainLayout, ROW_STATS, type TrainLayout } from './layout.ts';
import { netProgram, type NetProgram } from './program.ts';

/**
 * What one training iteration does on the GPU: a rollout, its returns, then `epochs` passes over
 * it in `minibatches` minibatches, each a loss, its gradient and an Adam update. PPO, A2C and
 * REINFORCE (src/algos/) are settings of this.
 */
export interface IterationPlan {
  /** Steps of every env per rollout (T). */
  rolloutSteps: number;
  gamma: number;
  /** GAE's λ; 1 gives n-step or Monte-Carlo returns. */
  gaeLambda: number;
  /** Add γ·V(final observation) to the reward of a truncated step (needs a critic). */
  bootstrapTruncation: boolean;
  /** Bootstrap the steps whose episode goes on past the rollout with V; else their returns stop there. */
  bootstrapLast: boolean;
  /** PPO's clipped surrogate, or the policy gradient −Â log π (A2C, REINFORCE). */
  loss: 'ppo' | 'policy-gradient';
  epochs: number;
  minibatches: number;
  clipCoef: number;
  clipValueLoss: boolean;
  entCoef: number;
  vfCoef: number;
  normalizeAdvantages: boolean;
  /** Global-norm clipping threshold; null for none. */
  maxGradNorm: number | null;
  adam?: AdamConfig;
}

export interface GpuTrainerOptions {
  envId: string;
  /** VecEnv options: numEnvs, seed (also the seed of the policy's draws and the shuffles), env params. */
  env: VecEnvOptions & { numEnvs: number; seed: number };
  network: NetworkConfig;
  plan: IterationPlan;
  /**
   * Runs of seeds seed, seed + 1, … trained side by side, each in every dispatch (a seed grid, as
   * PureJaxRL vmaps over seeds): run s is bit for bit the run of seed + s alone, and on a GPU the
   * runs share its otherwise idle width. 1 unless given.
   */
  seeds?: number;
  /** Initial parameters, the runs' one after another; orthogonal init from each run's seed when absent. */
  params?: Float32Array;
  learningRate: number;
  /** Take the most probable action instead of sampling (evaluation). */
  greedy?: boolean;
}

/** Means over the latest minibatch (LossStats in src/nn/reference.ts) and Adam's view of it. */
export interface TrainLossStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  gradNorm: number;
  updates: number;
}

/** Blocks per parameter_gradients workgroup (shaders/train/param_grads.wgsl). */
const GRADIENT_WORKGROUP = 16;
const LOSS_KINDS = { ppo: 0, 'policy-gradient': 1 } as const;

/** One kind of GPU work in a training iteration. */
export interface TrainerPhase {
  name: string;
  /** Dispatches that one `record` makes. */
  dispatches: number;
  /** Times an iteration records it. */
  perIteration: number;
  record(pass: GPUComputePassEncoder): void;
}

interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroups: GPUBindGroup[];
  workgroups: number | [number, number] | [number, number, number];
}

/**
 * The training loop's GPU side: a GPU VecEnv, the network's parameters, the train buffer
 * (shaders/train/layout.wgsl) and Adam. recordIteration puts one whole iteration into a command
 * encoder, 2 + 5 · epochs · minibatches dispatches with no host round trip; the host only sets the
 * learning rate between submissions and reads small stats buffers when it wants to. The kernels
 * read a packed copy of `params` that each recordRollout and recordMinibatchGradients (and each
 * update within recordIteration) makes first, so the host may write `params` between submissions.
 */
export class GpuTrainer {
  readonly vecEnv: GpuVecEnv;
  readonly net: Network;
  readonly program: NetProgram;
  readonly layout: TrainLayout;
  readonly params: GPUBuffer;
  readonly train: GPUBuffer;
  readonly adam: GpuAdam;
  /** Envs of each run. */
  readonly numEnvs: number;
  /** Runs of the seed grid (GpuTrainerOptions.seeds). */
  readonly seeds: number;
  /** Env steps per iteration of each run (T × envs). */
  readonly stepsPerIteration: number;
  readonly minibatchRows: number;
  private readonly device: GPUDevice;
  private readonly packDispatch: Dispatch;
  private readonly rolloutDispatch: Dispatch;
  private readonly returnsDispatch: Dispatch;
  private readonly lossDispatch: Dispatch;
  private readonly gradientDispatch: Dispatch;
  readonly grads: GPUBuffer;
  /** The parameters as the kernels read them (shaders/train/pack.wgsl), packed before every rollout and minibatch. */
  private readonly packed: GPUBuffer;

  constructor(
    gpu: GpuContext,
    readonly options: GpuTrainerOptions,
  ) {
    const { device } = gpu;
    const { plan } = options;
    this.device = device;
    const envDef = getEnv(options.envId);
    const seeds = (this.seeds = options.seeds ?? 1);
    if (!Number.isInteger(seeds) || seeds < 1) throw new InputError(`seeds must be a positive integer, got ${String(seeds)}`);
    this.numEnvs = options.env.numEnvs;
    // Run s's envs are the VecEnv's envs s · numEnvs …, drawing as the envs of seed + s.
    this.vecEnv = createGpuVecEnv(gpu, envDef, { ...options.env, numEnvs: seeds * this.numEnvs, seedEnvs: this.numEnvs });
    this.net = buildNetwork(options.network);
    this.program = netProgram(this.net);
    this.stepsPerIteration = plan.rolloutSteps * this.numEnvs;
    this.minibatchRows = Math.floor(this.stepsPerIteration / plan.minibatches);
    const obsWords = gpuObservationWords(envDef);
    this.layout = trainLayout({ steps: plan.rolloutSteps, envs: this.numEnvs, obsWords, actStride: this.program.actStride, minibatchRows: this.minibatchRows, inputSize: this.net.inputSize });
    const paramCount = this.net.layout.size;

    // Each buffer holds the runs' parts one after another (shaders/train/layout.wgsl).
    this.params = createStorageBuffer(device, 'params', seeds * paramCount * 4);
    if (options.params && options.params.length !== seeds * paramCount) {
      throw new InputError(`params: expected ${seeds} × ${paramCount} values, got ${options.params.length}`);
    }
    const initial = options.params ?? concatenate(Array.from({ length: seeds }, (_, s) => initParams(this.net.layout, (options.env.seed + s) >>> 0)));
    device.queue.writeBuffer(this.params, 0, Float32Array.from(initial));
    this.train = createStorageBuffer(device, 'train', seeds * this.layout.words * 4);
    this.grads = createStorageBuffer(device, 'grads', seeds * paramCount * 4);
    this.packed = createStorageBuffer(device, 'packed weights', seeds * this.program.packedSize * 16);
    for (let s = 0; s < seeds; s++) device.queue.writeBuffer(this.packed, s * this.program.packedSize * 16, this.program.table);
    const gradientWorkgroups = Math.ceil(this.program.gradientBlocks / GRADIENT_WORKGROUP);
    const normPartials = createStorageBuffer(device, 'gradient norm partials', seeds * gradientWorkgroups * 4);
    // GpuAdam reads the norm from the partial sums; parameter_gradients writes one per workgroup.
    const reduction = { normPartials, normPartialCount: gradientWorkgroups } as GpuGradientReduction;
    this.adam = new GpuAdam(gpu, {
      params: this.params,
      grads: this.grads,
      paramCount,
      reduction,
      learningRate: options.learningRate,
      maxGradNorm: plan.maxGradNorm,
      config: plan.adam ?? ADAM_DEFAULTS,
      sets: seeds,
    });

    const storage = (type: GPUBufferBindingType = 'storage') => ({ buffer: { type } });
    const layoutOf = (label: string, entries: [number, { buffer: { type: GPUBufferBindingType } }][]) =>
      device.createBindGroupLayout({ label, entries: entries.map(([binding, resource]) => ({ binding, visibility: GPUShaderStage.COMPUTE, ...resource })) });
    const netLayout = layoutOf('net', [
      [1, storage('read-only-storage')],
      [2, storage()],
    ]);
    const netGroup = device.createBindGroup({
      layout: netLayout,
      entries: [this.packed, this.train].map((buffer, k) => ({ binding: k + 1, resource: { buffer } })),
    });
    const packLayout = layoutOf('pack', [
      [0, storage('read-only-storage')],
      [1, storage()],
    ]);
    const packGroup = device.createBindGroup({
      layout: packLayout,
      entries: [this.params, this.packed].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    // The VecEnv's bindings that the rollout uses: all but the action buffer (binding 4), which
    // keeps the kernel within WebGPU's default of 8 storage buffers per stage.
    const b = this.vecEnv.buffers;
    const envBindings: [number, GPUBuffer, GPUBufferBindingType][] = [
      [0, b.params, 'uniform'],
      [1, b.state, 'storage'],
      [2, b.obs, 'storage'],
      [3, b.finalObs, 'storage'],
      [5, b.reward, 'storage'],
      [6, b.done, 'storage'],
      [7, b.episodes, 'storage'],
    ];
    const envLayout = layoutOf('rollout env', envBindings.map(([binding, , type]) => [binding, storage(type)]));
    const envGroup = device.createBindGroup({ layout: envLayout, entries: envBindings.map(([binding, buffer]) => ({ binding, resource: { buffer } })) });
    const updateLayout = layoutOf('update', [
      [0, storage('read-only-storage')],
      [1, storage()],
      [2, storage()],
    ]);
    const updateGroup = device.createBindGroup({
      layout: updateLayout,
      entries: [this.adam.state, this.grads, normPartials].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const emptyLayout = layoutOf('empty', []);
    const emptyGroup = device.createBindGroup({ layout: emptyLayout, entries: [] });

    const p = this.program;
    // A few envs (PureJaxRL's MinAtar preset has 64) spread over several workgroups, so that a
    // software adapter's threads share them: 1.5× faster at 64 envs on SwiftShader's two here.
    const rolloutWorkgroup = this.numEnvs >= 256 ? 64 : 16;
    const bitChannels = envDef.wgsl.observation === 'bits' ? envDef.spec.observationShape[2] : 0;
    // sample_gradients notes a quad's blocks of 8 inputs with a bit set in 128 bits (loss.wgsl).
    if (bitChannels > 0 && this.net.inputSize > 1023) throw new Error(`packed-bits observations of at most 1,023 inputs, got ${this.net.inputSize}`);
    // Quads of samples per sample_gradients workgroup: 32 where it notes their input blocks in a word.
    const sampleWorkgroup = bitChannels > 0 ? 32 : 8;
    const constants: Record<string, number> = {
      ...this.vecEnv.driver.constants,
      WORKGROUP_SIZE: rolloutWorkgroup,
      SAMPLE_WORKGROUP: sampleWorkgroup,
      ...this.layout.sections,
      SEEDS: seeds,
      TRAIN_WORDS: this.layout.words,
      PACKED_VEC4S: p.packedSize,
      PARAM_COUNT: paramCount,
      ROLLOUT_STEPS: plan.rolloutSteps,
      ROLLOUT_ENVS: this.numEnvs,
      NUM_STAGES: p.stages.length,
      INPUT_SIZE: this.net.inputSize,
      OBS_WORDS_IN: obsWords,
      OBS_BIT_CHANNELS: bitChannels,
      ACT_STRIDE: p.actStride,
      NUM_LOGITS: this.net.policySize,
      LOGITS_AT: p.logitsAt,
      HAS_VALUE: p.valueAt === null ? 0 : 1,
      VALUE_AT: p.valueAt ?? 0,
      GAMMA: plan.gamma,
      GAE_LAMBDA: plan.gaeLambda,
      BOOTSTRAP_TRUNCATION: plan.bootstrapTruncation ? 1 : 0,
      BOOTSTRAP_LAST: plan.bootstrapLast && p.valueAt !== null ? 1 : 0,
      GREEDY: options.greedy ? 1 : 0,
      MINIBATCH_ROWS: this.minibatchRows,
      NUM_MINIBATCHES: plan.minibatches,
      SHUFFLE: plan.minibatches > 1 ? 1 : 0,
      SEED: options.env.seed >>> 0,
      LOSS_KIND: LOSS_KINDS[plan.loss],
      CLIP_COEF: plan.clipCoef,
      CLIP_VALUE_LOSS: plan.clipValueLoss ? 1 : 0,
      ENT_COEF: plan.entCoef,
      VF_COEF: plan.vfCoef,
      NORMALIZE_ADVANTAGES: plan.normalizeAdvantages ? 1 : 0,
      GRADIENT_BLOCKS: p.gradientBlocks,
      POLICY_GAUSSIAN: p.logStd === null ? 0 : 1,
      LOG_STD_PARAM: p.logStd?.param ?? 0,
      LOG_STD_PACKED: p.logStd?.packedAt ?? 0,
      LOG_STD_BLOCK: p.logStd?.block ?? 0,
      ...(envDef.spec.actionSpace.kind === 'box' ? { ACTION_LOW: envDef.spec.actionSpace.low, ACTION_HIGH: envDef.spec.actionSpace.high } : {}),
    };
    const dispatch = (files: string[], entryPoint: string, groupLayout: GPUBindGroupLayout, group: GPUBindGroup, workgroups: Dispatch['workgroups'], [secondLayout, secondGroup] = [netLayout, netGroup]): Dispatch => {
      const code = composeShader(gpu.shaders, files);
      const layout = device.createPipelineLayout({ bindGroupLayouts: [groupLayout, secondLayout] });
      const pipeline = computePipeline(device, { label: entryPoint, code, entryPoint, constants: declaredOverrides(code, constants), layout }, `train ${groupLayout.label}`);
      return { pipeline, bindGroups: [group, secondGroup], workgroups };
    };
    const trainFiles = ['shaders/train/layout.wgsl', 'shaders/train/program.wgsl', 'shaders/train/network.wgsl'];
    this.packDispatch = dispatch(['shaders/train/program.wgsl', 'shaders/train/pack.wgsl'], 'pack_weights', packLayout, packGroup, [Math.ceil(p.largestPackedStage / 256), p.stages.length, seeds], [emptyLayout, emptyGroup]);
    const updateFiles = ['shaders/rng.wgsl', 'shaders/nn/adam.wgsl', ...trainFiles, 'shaders/train/shuffle.wgsl', 'shaders/train/update.wgsl'];
    this.rolloutDispatch = dispatch([...this.vecEnv.driver.files, ...trainFiles, 'shaders/train/rollout.wgsl'], 'rollout', envLayout, envGroup, Math.ceil(this.vecEnv.numEnvs / rolloutWorkgroup));
    this.returnsDispatch = dispatch([...trainFiles, 'shaders/train/returns.wgsl'], 'compute_returns', emptyLayout, emptyGroup, Math.ceil(this.vecEnv.numEnvs / 64));
    this.lossDispatch = dispatch([...updateFiles, 'shaders/train/loss.wgsl'], 'sample_gradients', updateLayout, updateGroup, [Math.ceil(Math.ceil(this.minibatchRows / 4) / sampleWorkgroup), seeds]);
    this.gradientDispatch = dispatch([...updateFiles, 'shaders/train/param_grads.wgsl'], 'parameter_gradients', updateLayout, updateGroup, [gradientWorkgroups, seeds]);
  }

  private record(pass: GPUComputePassEncoder, { pipeline, bindGroups, workgroups }: Dispatch): void {
    pass.setPipeline(pipeline);
    bindGroups.forEach((group, index) => pass.setBindGroup(index, group));
    const [x, y = 1, z = 1] = typeof workgroups === 'number' ? [workgroups] : workgroups;
    pass.dispatchWorkgroups(x, y, z);
  }

  /** One rollout of every env under the current parameters (its returns not computed). */
  recordRollout(pass: GPUComputePassEncoder): void {
    this.record(pass, this.packDispatch);
    this.record(pass, this.rolloutDispatch);
  }

  /** Rollout, returns, and epochs × minibatches updates. */
  recordIteration(pass: GPUComputePassEncoder): void {
    this.recordRollout(pass);
    this.record(pass, this.returnsDispatch);
    for (let update = 0; update < this.updatesPerIteration; update++) {
      // The first update's parameters are the rollout's, already packed.
      if (update > 0) this.record(pass, this.packDispatch);
      this.record(pass, this.lossDispatch);
      this.record(pass, this.gradientDispatch);
      this.adam.recordUpdate(pass);
    }
  }

  private get updatesPerIteration(): number {
    return this.options.plan.epochs * this.options.plan.minibatches;
  }

  /** The returns of the latest rollout. */
  recordReturns(pass: GPUComputePassEncoder): void {
    this.record(pass, this.returnsDispatch);
  }

  /** The current minibatch's loss and gradient (into `grads`), without the Adam update. */
  recordMinibatchGradients(pass: GPUComputePassEncoder): void {
    this.record(pass, this.packDispatch);
    this.record(pass, this.lossDispatch);
    this.record(pass, this.gradientDispatch);
  }

  /** The kinds of GPU work of an iteration, in the order recordIteration records them (wgym profile times each). */
  phases(): TrainerPhase[] {
    const updates = this.updatesPerIteration;
    const kernel = (name: string, dispatch: Dispatch, perIteration: number): TrainerPhase => ({
      name,
      dispatches: 1,
      perIteration,
      record: (pass) => this.record(pass, dispatch),
    });
    return [
      // Before the rollout and before every update but the first, which uses the rollout's packing.
      kernel('pack_weights', this.packDispatch, updates),
      kernel('rollout', this.rolloutDispatch, 1),
      kernel('compute_returns', this.returnsDispatch, 1),
      kernel('sample_gradients', this.lossDispatch, updates),
      kernel('parameter_gradients', this.gradientDispatch, updates),
      { name: 'adam', dispatches: this.adam.dispatchCount, perIteration: updates, record: (pass) => this.adam.recordUpdate(pass) },
    ];
  }

  /** Dispatches per iteration (for the dispatches-per-step figure). */
  get dispatchesPerIteration(): number {
    return this.phases().reduce((sum, phase) => sum + phase.dispatches * phase.perIteration, 0);
  }

  /** Submits `iterations` iterations at this learning rate, in one command buffer. */
  iterate(learningRate: number, iterations = 1): void {
    this.adam.setLearningRate(learningRate);
    this.submit((pass) => {
      for (let k = 0; k < iterations; k++) this.recordIteration(pass);
    });
  }

  /** Submits one rollout under the current parameters, with no update (evaluation, watching a policy). */
  act(): void {
    this.submit((pass) => this.recordRollout(pass));
  }

  private submit(record: (pass: GPUComputePassEncoder) => void): void {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    record(pass);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Every run's, in seed order: one readback of the train buffer's stats rows and one of Adam's states. */
  async readLossStats(): Promise<TrainLossStats[]> {
    const rows = Array.from({ length: this.seeds }, (_, s) => ({ offset: (s * this.layout.words + this.layout.sections.RO_LOSS_STATS) * 4, size: ROW_STATS * 4 }));
    const [raws, adam] = await Promise.all([readRanges(this.device, this.train, rows), this.adam.readStates()]);
    return raws.map((raw, s) => {
      const [policyLoss, valueLoss, entropy, approxKl, clipFraction] = new Float32Array(raw);
      return { policyLoss, valueLoss, entropy, approxKl, clipFraction, gradNorm: adam[s].gradNorm, updates: adam[s].step };
    });
  }

  /** The runs' parameters, one after another. */
  async readParams(): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.device, this.params, this.seeds * this.net.layout.size * 4));
  }

  async readGradients(): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.device, this.grads, this.seeds * this.net.layout.size * 4));
  }

  /** A section of run `seed`'s train buffer as words (tests and debugging). */
  async readSection(name: keyof TrainLayout['sections'], words: number, seed = 0): Promise<Uint32Array> {
    return new Uint32Array(await readBuffer(this.device, this.train, words * 4, (seed * this.layout.words + this.layout.sections[name]) * 4));
  }

  destroy(): void {
    this.vecEnv.destroy();
    for (const buffer of [this.params, this.packed, this.train, this.grads, this.adam.firstMoment, this.adam.secondMoment, this.adam.state]) buffer.destroy();
  }
}

/** The parts one after another (the runs' parts of a seed grid's buffers). */
export function concatenate(parts: ArrayLike<number>[]): Float32Array<ArrayBuffer> {
  const all = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}
