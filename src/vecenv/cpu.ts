import { checkAction, observationSize, randomAction, type EnvDefinition } from '../env.ts';
import { CounterRng, Stream } from '../rng/source.ts';
import { InputError } from '../errors.ts';
import { resolveOptions, type ResolvedOptions } from './options.ts';
import { gpuObservationWords, packObservationBits } from './observation.ts';
import { emptyTotals, episodeStatsFrom, type Actions, type EpisodeStats, type RawStepData, type StepData, type VecEnv, type VecEnvOptions } from './types.ts';

/** The CPU limit only guards against typos that would allocate gigabytes. */
export const MAX_CPU_ENVS = 1 << 22;

/**
 * The float64 TypeScript references behind the VecEnv interface: same seeds, same draws, same
 * auto-reset and stats rules as the GPU driver (shaders/vecenv.wgsl), one env after another.
 */
export class CpuVecEnv implements VecEnv {
  readonly backend = 'cpu';
  readonly spec;
  readonly numEnvs: number;
  private currentSeed: number;
  private readonly states: unknown[];
  private readonly t: Uint32Array;
  private readonly length: Uint32Array;
  private readonly ret: Float64Array;
  private readonly obs: Float32Array;
  private readonly finalObs: Float32Array;
  private readonly reward: Float32Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;
  private readonly obsSize: number;
  private totals = emptyTotals();

  constructor(
    readonly env: EnvDefinition<any, any>,
    private readonly options: ResolvedOptions,
  ) {
    this.spec = { ...env.spec, actionSpace: options.actionSpace };
    this.numEnvs = options.numEnvs;
    this.currentSeed = options.seed;
    this.obsSize = observationSize(env.spec);
    const n = this.numEnvs;
    this.states = new Array(n);
    this.t = new Uint32Array(n);
    this.length = new Uint32Array(n);
    this.ret = new Float64Array(n);
    this.obs = new Float32Array(n * this.obsSize);
    this.finalObs = new Float32Array(n * this.obsSize);
    this.reward = new Float32Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.reset();
  }

  get seed(): number {
    return this.currentSeed;
  }

  reset(seed?: number): void {
    if (seed !== undefined) this.currentSeed = seed >>> 0;
    const { env, options } = this;
    for (let i = 0; i < this.numEnvs; i++) {
      this.states[i] = env.reset(options.params, this.rng(Stream.env, i, 0));
      env.observe(options.params, this.states[i], this.obs, i * this.obsSize);
      this.t[i] = 0;
      this.length[i] = 0;
      this.ret[i] = 0;
    }
    this.reward.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.totals = emptyTotals();
  }

  /** Env i's draws: as env i mod seedEnvs of its seed (VecEnvOptions.seedEnvs; the seed wraps at 2^32 as a u32 does). */
  private rng(stream: number, i: number, step: number): CounterRng {
    const { seedEnvs } = this.options;
    return new CounterRng(this.currentSeed + Math.floor(i / seedEnvs), stream, i % seedEnvs, step);
  }

  private advance(i: number, chosen: number): void {
    const { env, options } = this;
    const { action: choice, valid } = checkAction(options.actionSpace, chosen);
    if (!valid) this.totals.invalidActions++;
    const action = options.choices ? options.choices[choice] : choice;
    this.t[i]++;
    const rng = this.rng(Stream.env, i, this.t[i]);
    const out = env.step(options.params, this.states[i], action, rng);
    this.states[i] = out.state;
    this.length[i]++;
    this.ret[i] += out.reward;
    const truncated = options.timeLimit > 0 && this.length[i] >= options.timeLimit;
    this.reward[i] = out.reward;
    this.terminated[i] = out.terminated ? 1 : 0;
    this.truncated[i] = truncated ? 1 : 0;
    if (out.terminated || truncated) {
      env.observe(options.params, out.state, this.finalObs, i * this.obsSize);
      this.totals.episodes++;
      this.totals.returnSum += this.ret[i];
      this.totals.lengthSum += this.length[i];
      this.totals.returnSqSum += this.ret[i] ** 2;
      this.totals.lengthSqSum += this.length[i] ** 2;
      if (options.autoReset) {
        this.states[i] = env.reset(options.params, rng);
        this.length[i] = 0;
        this.ret[i] = 0;
      }
    }
    env.observe(options.params, this.states[i], this.obs, i * this.obsSize);
  }

  step(actions: Actions): void {
    if (actions.length !== this.numEnvs) throw new InputError(`step: expected ${this.numEnvs} actions, got ${actions.length}`);
    for (let i = 0; i < this.numEnvs; i++) this.advance(i, actions[i]);
  }

  stepRandom(steps: number): void {
    if (!Number.isInteger(steps) || steps < 0) throw new InputError(`steps must be a non-negative integer, got ${steps}`);
    const space = this.spec.actionSpace;
    for (let i = 0; i < this.numEnvs; i++) {
      for (let k = 0; k < steps; k++) {
        this.advance(i, randomAction(space, this.rng(Stream.action, i, this.t[i] + 1)));
      }
    }
  }

  async read(): Promise<StepData> {
    return {
      obs: this.obs.slice(),
      reward: this.reward.slice(),
      terminated: this.terminated.slice(),
      truncated: this.truncated.slice(),
      finalObs: this.finalObs.slice(),
    };
  }

  /** The step outputs as the GPU keeps them (see RawStepData), to compare with GpuVecEnv.readRaw(). */
  async readRaw(): Promise<RawStepData> {
    const n = this.numEnvs;
    const words = gpuObservationWords(this.env);
    const done = Uint32Array.from(this.terminated, (terminated, i) => terminated | (this.truncated[i] << 1));
    if (this.env.wgsl.observation !== 'bits') {
      const finalObsWords = new Uint32Array(this.finalObs.buffer.slice(0));
      return { obsWords: new Uint32Array(this.obs.buffer.slice(0)), finalObsWords, reward: this.reward.slice(), done };
    }
    const channels = this.spec.observationShape[2];
    // Final observations are packed only where valid: packing is the expensive part.
    const finalObsWords = new Uint32Array(n * words);
    for (let i = 0; i < n; i++) {
      if (done[i] === 0) continue;
      finalObsWords.set(packObservationBits(this.finalObs.subarray(i * this.obsSize, (i + 1) * this.obsSize), 1, channels), i * words);
    }
    return { obsWords: packObservationBits(this.obs, n, channels), finalObsWords, reward: this.reward.slice(), done };
  }

  async readStats(): Promise<EpisodeStats> {
    const stats = episodeStatsFrom(this.totals);
    this.totals = emptyTotals();
    return stats;
  }

  async readState(): Promise<Float64Array> {
    const words = this.spec.stateNames.length;
    const out = new Float64Array(this.numEnvs * words);
    for (let i = 0; i < this.numEnvs; i++) out.set(this.env.encodeState(this.states[i]), i * words);
    return out;
  }

  writeState(states: ArrayLike<number>, episodeLengths?: ArrayLike<number>): void {
    const words = this.spec.stateNames.length;
    if (states.length !== this.numEnvs * words) {
      throw new InputError(`writeState: expected ${this.numEnvs * words} values, got ${states.length}`);
    }
    for (let i = 0; i < this.numEnvs; i++) {
      this.states[i] = this.env.decodeState(Array.prototype.slice.call(states, i * words, (i + 1) * words));
      this.env.observe(this.options.params, this.states[i], this.obs, i * this.obsSize);
      if (episodeLengths) {
        this.t[i] = 0;
        this.length[i] = episodeLengths[i];
        this.ret[i] = 0;
      }
    }
  }

  destroy(): void {}
}

export function createCpuVecEnv(env: EnvDefinition<any, any>, options: VecEnvOptions): CpuVecEnv {
  return new CpuVecEnv(env, resolveOptions(env, options, MAX_CPU_ENVS));
}
