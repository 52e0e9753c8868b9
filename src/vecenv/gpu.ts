import { observationSize, type EnvDefinition } from '../env.ts';
import { createStorageBuffer, readBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/context.ts';
import { computePipeline } from '../gpu/pipelines.ts';
import { composeShader, declaredOverrides } from '../gpu/shaders.ts';
import { InputError } from '../errors.ts';
import { resolveOptions, type ResolvedOptions } from './options.ts';
import { episodeStatsFrom, type Actions, type EpisodeStats, type StepData, type VecEnv, type VecEnvOptions } from './types.ts';

const WORKGROUP_SIZE = 64;
const KERNEL_ENTRY_POINTS = { reset: 'reset_all', step: 'step', randomSteps: 'random_steps' } as const;
type Kernel = keyof typeof KERNEL_ENTRY_POINTS;
/** Bytes of `Episode` in shaders/episode.wgsl. */
export const EPISODE_BYTES = 36;
const EPISODE_WORDS = EPISODE_BYTES / 4;
const EPISODE_LENGTH_WORD = 1;

/** Storage buffers of a GPU VecEnv, each one documented array (see shaders/vecenv.wgsl). */
export interface VecEnvBuffers {
  /** Uniform `Params`: seed, numEnvs, steps. */
  params: GPUBuffer;
  /** numEnvs × stateWords u32 words (f32 bits for classic control), in spec.stateNames order. */
  state: GPUBuffer;
  /** numEnvs × observation size f32. */
  obs: GPUBuffer;
  finalObs: GPUBuffer;
  /** numEnvs u32: discrete action indices, or f32 bits of continuous actions. */
  actions: GPUBuffer;
  /** numEnvs f32. */
  reward: GPUBuffer;
  /** numEnvs u32, 0 or 1. */
  terminated: GPUBuffer;
  truncated: GPUBuffer;
  /** numEnvs × `Episode` (36 bytes). */
  episodes: GPUBuffer;
}

/** The most envs one dispatch can cover, and the most whose largest per-env buffer fits a binding. */
export function maxGpuEnvs(device: GPUDevice, env: EnvDefinition<any, any>): number {
  const bytesPerEnv = Math.max(EPISODE_BYTES, 4 * observationSize(env.spec), 4 * env.spec.stateNames.length);
  return Math.min(
    device.limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE,
    Math.floor(device.limits.maxStorageBufferBindingSize / bytesPerEnv),
  );
}

export class GpuVecEnv implements VecEnv {
  readonly backend = 'gpu';
  readonly spec;
  readonly numEnvs: number;
  readonly buffers: VecEnvBuffers;
  private currentSeed: number;
  private readonly device: GPUDevice;
  private readonly obsSize: number;
  private readonly stateWords: number;
  private readonly bindGroup: GPUBindGroup;
  private readonly pipeline: (entryPoint: string) => GPUComputePipeline;
  private readonly statsPipeline: GPUComputePipeline;
  private readonly statsBindGroup: GPUBindGroup;
  private readonly totals: GPUBuffer;

  constructor(ctx: GpuContext, readonly env: EnvDefinition<any, any>, options: ResolvedOptions) {
    const { device } = ctx;
    this.device = device;
    this.spec = env.spec;
    this.numEnvs = options.numEnvs;
    this.currentSeed = options.seed;
    this.obsSize = observationSize(env.spec);
    this.stateWords = env.spec.stateNames.length;
    const n = this.numEnvs;
    const label = env.spec.id;
    this.buffers = {
      params: device.createBuffer({ label: `${label} params`, size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      state: createStorageBuffer(device, `${label} state`, n * this.stateWords * 4),
      obs: createStorageBuffer(device, `${label} obs`, n * this.obsSize * 4),
      finalObs: createStorageBuffer(device, `${label} final obs`, n * this.obsSize * 4),
      actions: createStorageBuffer(device, `${label} actions`, n * 4),
      reward: createStorageBuffer(device, `${label} reward`, n * 4),
      terminated: createStorageBuffer(device, `${label} terminated`, n * 4),
      truncated: createStorageBuffer(device, `${label} truncated`, n * 4),
      episodes: createStorageBuffer(device, `${label} episodes`, n * EPISODE_BYTES),
    };
    this.totals = createStorageBuffer(device, `${label} episode totals`, 24);

    const source = composeShader(ctx.shaders, ['shaders/rng.wgsl', 'shaders/math.wgsl', 'shaders/episode.wgsl', env.wgsl.path, 'shaders/vecenv.wgsl']);
    const constants = declaredOverrides(source, {
      ...env.wgsl.constants(options.params),
      TIME_LIMIT: options.timeLimit,
      AUTO_RESET: options.autoReset ? 1 : 0,
      WORKGROUP_SIZE,
    });
    const storage = (type: GPUBufferBindingType) => ({ visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    const layoutEntries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, ...storage('uniform') },
      ...[1, 2, 3].map((binding) => ({ binding, ...storage('storage') })),
      { binding: 4, ...storage('read-only-storage') },
      ...[5, 6, 7, 8].map((binding) => ({ binding, ...storage('storage') })),
    ];
    const layout = device.createBindGroupLayout({ label: `${label} vecenv layout`, entries: layoutEntries });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    // Pipelines with equal bind group layouts accept each other's bind groups, so cached ones serve.
    this.pipeline = (entryPoint) =>
      computePipeline(device, { label, code: source, entryPoint, constants, layout: pipelineLayout }, JSON.stringify(layoutEntries));
    const b = this.buffers;
    this.bindGroup = device.createBindGroup({
      layout,
      entries: [b.params, b.state, b.obs, b.finalObs, b.actions, b.reward, b.terminated, b.truncated, b.episodes].map(
        (buffer, binding) => ({ binding, resource: { buffer } }),
      ),
    });

    this.statsPipeline = computePipeline(device, {
      label: `${label} episode stats`,
      code: composeShader(ctx.shaders, ['shaders/episode.wgsl', 'shaders/episode_stats.wgsl']),
      entryPoint: 'drain_episode_stats',
      layout: 'auto',
    });
    this.statsBindGroup = device.createBindGroup({
      layout: this.statsPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: b.episodes } },
        { binding: 1, resource: { buffer: this.totals } },
      ],
    });
    this.reset();
  }

  get seed(): number {
    return this.currentSeed;
  }

  private writeParams(steps: number): void {
    this.device.queue.writeBuffer(this.buffers.params, 0, new Uint32Array([this.currentSeed, this.numEnvs, steps, 0]));
  }

  /** Records one dispatch of a vecenv kernel over all envs into an encoder. */
  encode(encoder: GPUCommandEncoder, kernel: Kernel, timestampWrites?: GPUComputePassTimestampWrites): void {
    const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
    pass.setPipeline(this.pipeline(KERNEL_ENTRY_POINTS[kernel]));
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(this.numEnvs / WORKGROUP_SIZE));
    pass.end();
  }

  private submit(kernel: Kernel): void {
    const encoder = this.device.createCommandEncoder();
    this.encode(encoder, kernel);
    this.device.queue.submit([encoder.finish()]);
  }

  reset(seed?: number): void {
    if (seed !== undefined) this.currentSeed = seed >>> 0;
    this.writeParams(0);
    this.submit('reset');
  }

  step(actions: Actions): void {
    if (actions.length !== this.numEnvs) throw new InputError(`step: expected ${this.numEnvs} actions, got ${actions.length}`);
    this.device.queue.writeBuffer(this.buffers.actions, 0, actions);
    this.submit('step');
  }

  /** Sets params.steps for random_steps; callers that encode it themselves call this first. */
  prepareRandomSteps(steps: number): void {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    this.writeParams(steps);
  }

  stepRandom(steps: number): void {
    this.prepareRandomSteps(steps);
    this.submit('randomSteps');
  }

  async read(): Promise<StepData> {
    const b = this.buffers;
    const [obs, reward, terminated, truncated, finalObs] = await Promise.all(
      [b.obs, b.reward, b.terminated, b.truncated, b.finalObs].map((buffer) => readBuffer(this.device, buffer)),
    );
    const n = this.numEnvs;
    return {
      obs: new Float32Array(obs, 0, n * this.obsSize),
      reward: new Float32Array(reward, 0, n),
      terminated: Uint8Array.from(new Uint32Array(terminated, 0, n)),
      truncated: Uint8Array.from(new Uint32Array(truncated, 0, n)),
      finalObs: new Float32Array(finalObs, 0, n * this.obsSize),
    };
  }

  async readStats(): Promise<EpisodeStats> {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.statsPipeline);
    pass.setBindGroup(0, this.statsBindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    const raw = await readBuffer(this.device, this.totals);
    // `EpisodeTotals` in shaders/episode_stats.wgsl.
    const [episodes, lengthSum, invalidActions] = new Uint32Array(raw, 0, 3);
    const [returnSum, returnSqSum, lengthSqSum] = new Float32Array(raw, 12, 3);
    return episodeStatsFrom({ episodes, returnSum, returnSqSum, lengthSum, lengthSqSum, invalidActions });
  }

  async readState(): Promise<Float64Array> {
    const raw = await readBuffer(this.device, this.buffers.state, this.numEnvs * this.stateWords * 4);
    return Float64Array.from(new Float32Array(raw));
  }

  /** Teacher forcing: states (rounded to float32) and the steps already taken in each episode. */
  writeState(states: ArrayLike<number>, episodeLengths?: ArrayLike<number>): void {
    const n = this.numEnvs;
    if (states.length !== n * this.stateWords) {
      throw new InputError(`writeState: expected ${n * this.stateWords} values, got ${states.length}`);
    }
    this.device.queue.writeBuffer(this.buffers.state, 0, Float32Array.from(states));
    if (episodeLengths) {
      // The episode records start afresh (RNG counter, return and sums 0) at the given lengths.
      const episodes = new Uint32Array(n * EPISODE_WORDS);
      for (let i = 0; i < n; i++) episodes[i * EPISODE_WORDS + EPISODE_LENGTH_WORD] = episodeLengths[i];
      this.device.queue.writeBuffer(this.buffers.episodes, 0, episodes);
    }
  }

  destroy(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
    this.totals.destroy();
  }
}

export function createGpuVecEnv(ctx: GpuContext, env: EnvDefinition<any, any>, options: VecEnvOptions): GpuVecEnv {
  return new GpuVecEnv(ctx, env, resolveOptions(env, options, maxGpuEnvs(ctx.device, env)));
}
