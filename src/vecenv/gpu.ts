import { observationSize, type EnvDefinition } from '../env.ts';
import { InputError } from '../errors.ts';
import type { RecordedDraw } from '../fixtures/read.ts';
import { createStorageBuffer, readBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/context.ts';
import { computePipeline } from '../gpu/pipelines.ts';
import { composeShader, declaredOverrides } from '../gpu/shaders.ts';
import { gpuObservationWords, unpackObservationBits } from './observation.ts';
import { resolveOptions, type ResolvedOptions } from './options.ts';
import { packReplay, REPLAY_HEADER_BYTES, replayStatus, type ReplayStatus } from './replay.ts';
import { episodeStatsFrom, type Actions, type EpisodeStats, type EpisodeTotals, type RawStepData, type StepData, type VecEnv, type VecEnvOptions } from './types.ts';

const WORKGROUP_SIZE = 64;
const KERNEL_ENTRY_POINTS = { reset: 'reset_all', step: 'step', randomSteps: 'random_steps' } as const;
type Kernel = keyof typeof KERNEL_ENTRY_POINTS;
/** Bytes of `Episode` in shaders/episode.wgsl. */
export const EPISODE_BYTES = 36;
const EPISODE_WORDS = EPISODE_BYTES / 4;
/** Bytes of `EpisodeTotals` in shaders/episode_stats.wgsl. */
const EPISODE_TOTALS_BYTES = 24;
/** Words of `Episode` (shaders/episode.wgsl) that the host reads or writes. */
const EPISODE_LENGTH_WORD = 1;
const EPISODE_COUNT_WORD = 3;
const EPISODE_RETURN_SUM_WORD = 4;
const EPISODE_LENGTH_SUM_WORD = 5;
const EPISODE_RETURN_SQ_SUM_WORD = 7;
/** Per env: episodes ended, and their return, length and squared-return sums (GpuVecEnv.readEpisodeSums). */
export interface EpisodeSums {
  episodes: ArrayLike<number>;
  returnSum: ArrayLike<number>;
  lengthSum: ArrayLike<number>;
  returnSqSum: ArrayLike<number>;
}
/** Bits of done_buf in shaders/vecenv.wgsl. */
const DONE_TERMINATED = 1;
const DONE_TRUNCATED = 2;

/** Buffers of a GPU VecEnv, each one documented array (see shaders/vecenv.wgsl). */
export interface VecEnvBuffers {
  /** Uniform `Params`: seed, numEnvs, steps. */
  params: GPUBuffer;
  /** numEnvs × stateWords u32 words (f32 bits for classic control), in spec.stateNames order. */
  state: GPUBuffer;
  /** numEnvs × observation words: f32 values, or packed bits (src/vecenv/observation.ts). */
  obs: GPUBuffer;
  finalObs: GPUBuffer;
  /** numEnvs u32: discrete action indices, or f32 bits of continuous actions. */
  actions: GPUBuffer;
  /** numEnvs f32. */
  reward: GPUBuffer;
  /** numEnvs u32: bit 0 terminated, bit 1 truncated. */
  done: GPUBuffer;
  /** numEnvs × `Episode` (36 bytes). */
  episodes: GPUBuffer;
}

/** The most envs one dispatch can cover, and the most whose largest per-env buffer fits a binding. */
export function maxGpuEnvs(device: GPUDevice, env: EnvDefinition<any, any>): number {
  const bytesPerEnv = Math.max(EPISODE_BYTES, 4 * gpuObservationWords(env), 4 * env.spec.stateNames.length);
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
  /** Seeds side by side (VecEnvOptions.seedEnvs). */
  private readonly seeds: number;
  private readonly device: GPUDevice;
  private readonly obsWords: number;
  private readonly stateWords: number;
  private readonly bindGroup: GPUBindGroup;
  private readonly pipeline: (entryPoint: string) => GPUComputePipeline;
  private readonly statsPipeline: GPUComputePipeline;
  private readonly statsBindGroup: GPUBindGroup;
  private readonly totals: GPUBuffer;
  /** Recorded draws served instead of the RNG (conformance replays only). */
  private readonly replay?: GPUBuffer;
  /**
   * The driver's WGSL files and override values, for kernels composed after it (the fused rollout
   * in src/train/) that bind the same buffers.
   */
  readonly driver: { files: readonly string[]; constants: Record<string, number> };

  constructor(ctx: GpuContext, readonly env: EnvDefinition<any, any>, options: ResolvedOptions, replayDraws?: readonly (readonly RecordedDraw[])[]) {
    const { device } = ctx;
    this.device = device;
    this.spec = { ...env.spec, actionSpace: options.actionSpace };
    this.numEnvs = options.numEnvs;
    this.currentSeed = options.seed;
    this.obsWords = gpuObservationWords(env);
    this.stateWords = env.spec.stateNames.length;
    const n = this.numEnvs;
    const label = env.spec.id;
    this.buffers = {
      params: device.createBuffer({ label: `${label} params`, size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      state: createStorageBuffer(device, `${label} state`, n * this.stateWords * 4),
      obs: createStorageBuffer(device, `${label} obs`, n * this.obsWords * 4),
      finalObs: createStorageBuffer(device, `${label} final obs`, n * this.obsWords * 4),
      actions: createStorageBuffer(device, `${label} actions`, n * 4),
      reward: createStorageBuffer(device, `${label} reward`, n * 4),
      done: createStorageBuffer(device, `${label} done`, n * 4),
      episodes: createStorageBuffer(device, `${label} episodes`, n * EPISODE_BYTES),
    };
    this.seeds = options.numEnvs / options.seedEnvs;
    this.totals = createStorageBuffer(device, `${label} episode totals`, this.seeds * EPISODE_TOTALS_BYTES);
    if (replayDraws) {
      if (replayDraws.length !== n) throw new InputError(`replay: expected draws for ${n} envs, got ${replayDraws.length}`);
      const packed = packReplay(replayDraws);
      this.replay = createStorageBuffer(device, `${label} replay`, packed.byteLength);
      device.queue.writeBuffer(this.replay, 0, packed);
    }

    const randomSource = this.replay ? 'shaders/rng_replay.wgsl' : 'shaders/rng.wgsl';
    this.driver = {
      files: [randomSource, 'shaders/math.wgsl', 'shaders/episode.wgsl', env.wgsl.path, 'shaders/vecenv.wgsl'],
      constants: {
        ...env.wgsl.constants(options.params),
        TIME_LIMIT: options.timeLimit,
        NUM_CHOICES: options.choices?.length ?? 0,
        ACTION_CODES: (options.choices ?? []).reduce((codes, action, k) => (codes | (action << (4 * k))) >>> 0, 0),
        AUTO_RESET: options.autoReset ? 1 : 0,
        SEED_ENVS: options.seedEnvs,
        WORKGROUP_SIZE,
      },
    };
    const source = composeShader(ctx.shaders, this.driver.files);
    const constants = declaredOverrides(source, this.driver.constants);
    const b = this.buffers;
    const bound: GPUBuffer[] = [b.params, b.state, b.obs, b.finalObs, b.actions, b.reward, b.done, b.episodes];
    if (this.replay) bound.push(this.replay);
    const bufferType = (binding: number): GPUBufferBindingType => (binding === 0 ? 'uniform' : binding === 4 ? 'read-only-storage' : 'storage');
    const layoutEntries: GPUBindGroupLayoutEntry[] = bound.map((_, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: bufferType(binding) },
    }));
    const layout = device.createBindGroupLayout({ label: `${label} vecenv layout`, entries: layoutEntries });
    const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
    // Pipelines with equal bind group layouts accept each other's bind groups, so cached ones serve.
    this.pipeline = (entryPoint) =>
      computePipeline(device, { label, code: source, entryPoint, constants, layout: pipelineLayout }, JSON.stringify(layoutEntries));
    this.bindGroup = device.createBindGroup({ layout, entries: bound.map((buffer, binding) => ({ binding, resource: { buffer } })) });

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

  private observations(raw: ArrayBuffer): Float32Array {
    const n = this.numEnvs;
    if (this.env.wgsl.observation === 'bits') return unpackObservationBits(new Uint32Array(raw, 0, n * this.obsWords), n, this.spec.observationShape[2]);
    return new Float32Array(raw, 0, n * observationSize(this.spec));
  }

  async read(): Promise<StepData> {
    const b = this.buffers;
    const [obs, reward, done, finalObs] = await Promise.all([b.obs, b.reward, b.done, b.finalObs].map((buffer) => readBuffer(this.device, buffer)));
    const n = this.numEnvs;
    const flags = new Uint32Array(done, 0, n);
    return {
      obs: this.observations(obs),
      reward: new Float32Array(reward, 0, n),
      terminated: Uint8Array.from(flags, (flag) => flag & DONE_TERMINATED),
      truncated: Uint8Array.from(flags, (flag) => (flag & DONE_TRUNCATED) >> 1),
      finalObs: this.observations(finalObs),
    };
  }

  /** The step outputs as the kernel wrote them (see RawStepData); no observation is unpacked. */
  async readRaw(): Promise<RawStepData> {
    const b = this.buffers;
    const n = this.numEnvs;
    const obsBytes = n * this.obsWords * 4;
    // One staging copy for all four: the read is issued (and ordered before later steps) at once.
    const parts: [GPUBuffer, number][] = [[b.obs, obsBytes], [b.finalObs, obsBytes], [b.reward, n * 4], [b.done, n * 4]];
    const staging = this.device.createBuffer({ size: 2 * obsBytes + 8 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    let offset = 0;
    for (const [buffer, bytes] of parts) {
      encoder.copyBufferToBuffer(buffer, 0, staging, offset, bytes);
      offset += bytes;
    }
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const raw = staging.getMappedRange().slice(0);
    staging.destroy();
    return {
      obsWords: new Uint32Array(raw, 0, n * this.obsWords),
      finalObsWords: new Uint32Array(raw, obsBytes, n * this.obsWords),
      reward: new Float32Array(raw, 2 * obsBytes, n),
      done: new Uint32Array(raw, 2 * obsBytes + 4 * n, n),
    };
  }

  async readStats(): Promise<EpisodeStats> {
    const totals = await this.drainTotals();
    const sum = (key: keyof EpisodeTotals) => totals.reduce((total, seed) => total + seed[key], 0);
    return episodeStatsFrom({
      episodes: sum('episodes'),
      returnSum: sum('returnSum'),
      returnSqSum: sum('returnSqSum'),
      lengthSum: sum('lengthSum'),
      lengthSqSum: sum('lengthSqSum'),
      invalidActions: sum('invalidActions'),
    });
  }

  /** As readStats, for each seed's envs (VecEnvOptions.seedEnvs) on its own. */
  async readSeedStats(): Promise<EpisodeStats[]> {
    return (await this.drainTotals()).map(episodeStatsFrom);
  }

  private async drainTotals(): Promise<EpisodeTotals[]> {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.statsPipeline);
    pass.setBindGroup(0, this.statsBindGroup);
    pass.dispatchWorkgroups(this.seeds);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    const raw = await readBuffer(this.device, this.totals);
    // `EpisodeTotals` in shaders/episode_stats.wgsl, one per seed.
    return Array.from({ length: this.seeds }, (_, seed) => {
      const [episodes, lengthSum, invalidActions] = new Uint32Array(raw, seed * EPISODE_TOTALS_BYTES, 3);
      const [returnSum, returnSqSum, lengthSqSum] = new Float32Array(raw, seed * EPISODE_TOTALS_BYTES + 12, 3);
      return { episodes, returnSum, returnSqSum, lengthSum, lengthSqSum, invalidActions };
    });
  }

  /**
   * Each env's episodes ended, and their return and length sums, since the last readStats (which
   * zeroes them); reading does not.
   */
  async readEpisodeSums(): Promise<EpisodeSums> {
    const raw = await readBuffer(this.device, this.buffers.episodes);
    const words = new Uint32Array(raw);
    const floats = new Float32Array(raw);
    const column = <T extends Uint32Array | Float32Array>(from: T, word: number) => from.filter((_, k) => k % EPISODE_WORDS === word) as T;
    return {
      episodes: column(words, EPISODE_COUNT_WORD),
      returnSum: column(floats, EPISODE_RETURN_SUM_WORD),
      lengthSum: column(words, EPISODE_LENGTH_SUM_WORD),
      returnSqSum: column(floats, EPISODE_RETURN_SQ_SUM_WORD),
    };
  }

  /** The raw state words (u32) of every env. */
  async readStateWords(): Promise<Uint32Array> {
    return new Uint32Array(await readBuffer(this.device, this.buffers.state, this.numEnvs * this.stateWords * 4));
  }

  /** States as numbers, from float32 or int32 words as the env's kernel keeps them. */
  async readState(): Promise<Float64Array> {
    const words = await this.readStateWords();
    return this.env.wgsl.state === 'i32' ? Float64Array.from(new Int32Array(words.buffer)) : Float64Array.from(new Float32Array(words.buffer));
  }

  /** Teacher forcing: states (as the kernel's word type) and the steps already taken in each episode. */
  writeState(states: ArrayLike<number>, episodeLengths?: ArrayLike<number>): void {
    const n = this.numEnvs;
    if (states.length !== n * this.stateWords) {
      throw new InputError(`writeState: expected ${n * this.stateWords} values, got ${states.length}`);
    }
    const words = this.env.wgsl.state === 'i32' ? Int32Array.from(states) : Float32Array.from(states);
    this.device.queue.writeBuffer(this.buffers.state, 0, words);
    if (episodeLengths) {
      // The episode records start afresh (RNG counter, return and sums 0) at the given lengths.
      const episodes = new Uint32Array(n * EPISODE_WORDS);
      for (let i = 0; i < n; i++) episodes[i * EPISODE_WORDS + EPISODE_LENGTH_WORD] = episodeLengths[i];
      this.device.queue.writeBuffer(this.buffers.episodes, 0, episodes);
    }
  }

  /** Where each env's replay stands (conformance replays only). */
  async readReplayStatus(): Promise<ReplayStatus[]> {
    if (!this.replay) throw new Error('readReplayStatus: this VecEnv does not replay recorded draws');
    return replayStatus(new Uint32Array(await readBuffer(this.device, this.replay, this.numEnvs * REPLAY_HEADER_BYTES)), this.numEnvs);
  }

  destroy(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
    this.totals.destroy();
    this.replay?.destroy();
  }
}

export function createGpuVecEnv(
  ctx: GpuContext,
  env: EnvDefinition<any, any>,
  options: VecEnvOptions,
  replayDraws?: readonly (readonly RecordedDraw[])[],
): GpuVecEnv {
  return new GpuVecEnv(ctx, env, resolveOptions(env, options, maxGpuEnvs(ctx.device, env)), replayDraws);
}
