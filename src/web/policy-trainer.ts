import { getEnv } from '../../envs/index.ts';
import { annealedLearningRate } from '../algos/common.ts';
import { resolveConfig, trainingSetup, type AlgoConfig } from '../algos/index.ts';
import { InputError } from '../errors.ts';
import { readBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/context.ts';
import { forward, logSoftmax } from '../nn/reference.ts';
import { loadParams, MODEL_FILE, saveParams } from '../nn/safetensors.ts';
import { GpuTrainer } from '../train/gpu-trainer.ts';
import { gpuObservationWords, unpackObservationBits } from '../vecenv/observation.ts';
import type { GpuVecEnv } from '../vecenv/gpu.ts';
import type { RunConfig, Trainer, TrainerStats } from './trainer.ts';

/**
 * The page's learning run: the same GpuTrainer as `wgym train` (PPO, A2C or REINFORCE with the
 * algorithm's preset for the env, the page's numEnvs and seed, and its hyperparameter overrides).
 * The learning rate anneals over the preset's totalSteps as in the CLI; past them it stays at its
 * final value and the agents keep playing. With `watch`, a loaded policy only acts.
 */
export class PolicyTrainer implements Trainer {
  readonly vecEnv: GpuVecEnv;
  private readonly trainer: GpuTrainer;
  private readonly config: AlgoConfig;
  private readonly iterations: number;
  private iteration = 0;
  private episodes = 0;

  constructor(
    private readonly gpu: GpuContext,
    private readonly run: RunConfig,
  ) {
    this.config = resolveConfig(run.algo, run.envId, { ...run.hyperparameters, ...(run.numEnvs === undefined ? {} : { numEnvs: run.numEnvs }) });
    const setup = trainingSetup(run.algo, run.envId, this.config);
    let params: Float32Array | undefined;
    let network = setup.network;
    if (run.checkpoint) {
      const bytes = run.checkpoint[MODEL_FILE];
      if (!bytes) throw new InputError(`a checkpoint needs ${MODEL_FILE}; got ${Object.keys(run.checkpoint).join(', ') || 'no files'}`);
      const loaded = loadParams(bytes, { envId: run.envId }, MODEL_FILE);
      params = loaded.params;
      network = loaded.network.config;
    }
    this.trainer = new GpuTrainer(gpu, {
      envId: run.envId,
      env: { numEnvs: this.config.numEnvs, seed: run.seed },
      network,
      plan: setup.plan,
      params,
      learningRate: this.config.learningRate,
    });
    this.vecEnv = this.trainer.vecEnv;
    this.iterations = Math.max(1, Math.floor(this.config.totalSteps / this.trainer.stepsPerIteration));
  }

  iterate(): void {
    if (this.run.watch) {
      this.trainer.act();
    } else {
      const progress = Math.min(this.iteration, this.iterations - 1);
      this.trainer.iterate(annealedLearningRate(this.config.learningRate, this.config.annealLr, progress, this.iterations));
    }
    this.iteration++;
  }

  async stats(): Promise<TrainerStats> {
    const steps = this.iteration * this.trainer.stepsPerIteration;
    const ended = await this.vecEnv.readStats();
    this.episodes += ended.episodes;
    return { steps, episodes: this.episodes, meanReturn: ended.meanReturn };
  }

  /** The policy and value of one agent's current observation, computed on the CPU from a readback. */
  async inspect(agent: number): Promise<{ probabilities?: number[]; value: number } | undefined> {
    const env = getEnv(this.run.envId);
    const words = gpuObservationWords(env);
    const [raw, params] = await Promise.all([
      readBuffer(this.gpu.device, this.vecEnv.buffers.obs, words * 4, agent * words * 4),
      this.trainer.readParams(),
    ]);
    const obs = env.wgsl.observation === 'bits' ? unpackObservationBits(new Uint32Array(raw), 1, env.spec.observationShape[2]) : new Float32Array(raw);
    const pass = forward(this.trainer.net, params, obs, 1);
    const value = pass.value ? pass.value[0] : Number.NaN;
    // A Gaussian policy (Pendulum) has a mean, not probabilities to list.
    if (this.trainer.net.config.policy.kind !== 'categorical') return { value };
    return { probabilities: Array.from(logSoftmax(pass.policy), Math.exp), value };
  }

  async checkpoint(): Promise<Record<string, Uint8Array>> {
    const params = await this.trainer.readParams();
    const steps = String(this.iteration * this.trainer.stepsPerIteration);
    return { [MODEL_FILE]: saveParams(this.trainer.net, params, this.run.envId, { step: steps, algo: this.run.algo }) };
  }

  destroy(): void {
    this.trainer.destroy();
  }
}
