import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { annealedLearningRate } from '../algos/common.ts';
import { trainingSetup, type AlgoConfig, type AlgoName } from '../algos/index.ts';
import { RunError } from '../errors.ts';
import { readBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/context.ts';
import { GpuPacer } from '../gpu/pacer.ts';
import { philox4x32 } from '../rng/philox.ts';
import { saveCheckpoint, writeAtomically, type Checkpoint } from './checkpoint.ts';
import { GpuTrainer } from './gpu-trainer.ts';
import { MetricsLog, type MetricsRecord } from './metrics.ts';

export const CONFIG_FILE = 'config.json';

export interface TrainOptions {
  envId: string;
  algo: AlgoName;
  config: AlgoConfig;
  seed: number;
  /** Run directory for metrics, config and checkpoints; null keeps nothing on disk. */
  outDir: string | null;
  /** Env steps between checkpoints (0: only at the end). */
  checkpointEvery: number;
  /** Continue this run from its checkpoint. */
  resume?: Checkpoint;
  /** Called with every metrics record. */
  onRecord?: (record: MetricsRecord) => void;
  /** Notes for the user (a resume that removed metrics records past its checkpoint). */
  log?: (text: string) => void;
  /** Polled between iterations: true ends the run early (with a checkpoint), as on Ctrl-C. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  steps: number;
  iterations: number;
  seconds: number;
  stepsPerSecond: number;
  returnLast100: number | null;
  episodes: number;
  checkpoint: string | null;
  stopped: boolean;
  /** GPU dispatches per env step: the whole loop's, rollout and updates together. */
  dispatchesPerStep: number;
  records: MetricsRecord[];
}

export class TrainingDivergedError extends RunError {}

/** Finished-episode totals of one stats drain. */
interface Chunk {
  episodes: number;
  returnSum: number;
}

/** Iterations of numEnvs × numSteps env steps that make a run of config.totalSteps (at least one). */
export function trainingIterations(config: AlgoConfig): number {
  return Math.max(1, Math.floor(config.totalSteps / (config.numEnvs * config.numSteps)));
}

/** The GPU side of a run of `algo` with this config: its envs seeded with `envSeed`, its parameters fresh or given. */
export function createTrainer(gpu: GpuContext, algo: AlgoName, envId: string, config: AlgoConfig, envSeed: number, params?: Float32Array): GpuTrainer {
  const { plan, network } = trainingSetup(algo, envId, config);
  return new GpuTrainer(gpu, { envId, env: { numEnvs: config.numEnvs, seed: envSeed }, network, plan, params, learningRate: config.learningRate });
}

/** Records at least this many env steps apart, so that short iterations are not each read back. */
const MIN_STEPS_PER_RECORD = 2048;

/**
 * The training loop. Every iteration is submitted without waiting; every few iterations the
 * episode and loss stats (a few dozen bytes) are read back, which also keeps the queue from running
 * far ahead of the GPU. A resumed run reseeds the envs (they restart from fresh episodes under a
 * seed derived from the run's seed and the iteration) and continues the schedule, the optimizer and
 * the minibatch shuffles where the checkpoint left them.
 */
export async function train(gpu: GpuContext, options: TrainOptions): Promise<TrainResult> {
  const { config, resume } = options;
  const startIteration = resume?.iteration ?? 0;
  const envSeed = startIteration === 0 ? options.seed : philox4x32([startIteration, 0, 0, 0], [options.seed, 5])[0];
  const { device } = gpu;
  // Pipeline creation and the first iteration's encoding are where a kernel the device rejects shows.
  device.pushErrorScope('validation');
  const trainer = createTrainer(gpu, options.algo, options.envId, config, envSeed, resume?.params);
  let validating = true;
  const checkValidation = async () => {
    if (!validating) return;
    validating = false;
    const error = await device.popErrorScope();
    if (error) throw new RunError(`the WebGPU device rejected the training kernels: ${error.message.split('\n')[0]}`);
  };
  if (resume) {
    device.queue.writeBuffer(trainer.adam.firstMoment, 0, Float32Array.from(resume.firstMoment));
    device.queue.writeBuffer(trainer.adam.secondMoment, 0, Float32Array.from(resume.secondMoment));
    device.queue.writeBuffer(trainer.adam.state, 0, new Uint32Array([resume.adamStep]));
  }
  const iterations = trainingIterations(config);
  const recordEvery = Math.max(1, Math.ceil(MIN_STEPS_PER_RECORD / trainer.stepsPerIteration));
  const checkpointEvery = options.checkpointEvery > 0 ? Math.max(1, Math.round(options.checkpointEvery / trainer.stepsPerIteration)) : 0;

  const outDir = options.outDir;
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    const { network, plan } = trainer.options;
    const description = { envId: options.envId, algo: options.algo, seed: options.seed, config, network, plan, adapter: gpu.adapterName };
    writeAtomically(join(outDir, CONFIG_FILE), `${JSON.stringify(description, null, 2)}\n`);
  }
  const startStep = startIteration * trainer.stepsPerIteration;
  let metrics: MetricsLog | null = null;
  let history: MetricsRecord[] = [];
  if (outDir && resume) {
    const restored = MetricsLog.resume(outDir, startStep);
    metrics = restored.log;
    history = restored.history.kept;
    const { dropped, unreadable } = restored.history;
    if (dropped > 0) options.log?.(`note: removed ${dropped} metrics records past step ${startStep} (written after the checkpoint; those steps are trained again)`);
    if (unreadable > 0) options.log?.(`note: removed ${unreadable} unreadable lines from ${outDir}/metrics.jsonl`);
  } else if (outDir) {
    metrics = MetricsLog.create(outDir);
  }

  const pacer = new GpuPacer();
  const checkpoint = async (iteration: number): Promise<string | null> => {
    if (!outDir) return null;
    const [params, first, second, adamState] = await pacer.wait(() =>
      Promise.all([trainer.params, trainer.adam.firstMoment, trainer.adam.secondMoment, trainer.adam.state].map((buffer) => readBuffer(device, buffer))),
    );
    saveCheckpoint(outDir, {
      envId: options.envId,
      algo: options.algo,
      seed: options.seed,
      config,
      step: iteration * trainer.stepsPerIteration,
      iteration,
      adamStep: new Uint32Array(adamState)[0],
      net: trainer.net,
      params: new Float32Array(params),
      firstMoment: new Float32Array(first),
      secondMoment: new Float32Array(second),
    });
    return outDir;
  };

  // A resumed run carries on the episode count, the last-100 window and the training time.
  const chunks: Chunk[] = history
    .filter((entry) => entry.window_episodes > 0 && entry.return_mean !== null)
    .map((entry) => ({ episodes: entry.window_episodes, returnSum: (entry.return_mean as number) * entry.window_episodes }));
  let episodes = history.at(-1)?.episodes ?? 0;
  const earlierSeconds = history.at(-1)?.time_s ?? 0;
  const records: MetricsRecord[] = [];
  const start = performance.now();
  let iteration = startIteration;
  let stopped = false;
  let lastCheckpoint: string | null = null;

  const record = async (): Promise<void> => {
    const [stats, loss] = await pacer.wait(() => Promise.all([trainer.vecEnv.readStats(), trainer.readLossStats()]));
    const step = iteration * trainer.stepsPerIteration;
    for (const value of [loss.policyLoss, loss.valueLoss, loss.entropy, loss.gradNorm]) {
      if (!Number.isFinite(value)) {
        throw new TrainingDivergedError(
          `training diverged: the loss became ${value} by step ${step} (iteration ${iteration}); ${lastCheckpoint ? `the last good checkpoint is in ${lastCheckpoint}` : 'no checkpoint was written'}. Try a lower learning rate.`,
        );
      }
    }
    episodes += stats.episodes;
    if (stats.episodes > 0) chunks.push({ episodes: stats.episodes, returnSum: stats.meanReturn * stats.episodes });
    let lastEpisodes = 0;
    let lastSum = 0;
    for (let k = chunks.length - 1; k >= 0 && lastEpisodes < 100; k--) {
      lastEpisodes += chunks[k].episodes;
      lastSum += chunks[k].returnSum;
    }
    const seconds = (performance.now() - start) / 1000;
    const nullable = (value: number) => (stats.episodes > 0 ? value : null);
    const entry: MetricsRecord = {
      step,
      iteration,
      time_s: earlierSeconds + seconds,
      steps_per_s: (step - startStep) / seconds,
      episodes,
      window_episodes: stats.episodes,
      return_mean: nullable(stats.meanReturn),
      return_std: nullable(stats.stdReturn),
      length_mean: nullable(stats.meanLength),
      return_last100: lastEpisodes > 0 ? lastSum / lastEpisodes : null,
      policy_loss: loss.policyLoss,
      value_loss: loss.valueLoss,
      entropy: loss.entropy,
      approx_kl: loss.approxKl,
      clip_fraction: loss.clipFraction,
      grad_norm: loss.gradNorm,
      learning_rate: annealedLearningRate(config.learningRate, config.annealLr, iteration - 1, iterations),
    };
    records.push(entry);
    metrics?.append(entry);
    options.onRecord?.(entry);
  };

  try {
    while (iteration < iterations) {
      trainer.iterate(annealedLearningRate(config.learningRate, config.annealLr, iteration, iterations));
      pacer.submitted();
      iteration++;
      await checkValidation();
      if (iteration % recordEvery === 0 || iteration === iterations) await record();
      if (checkpointEvery && iteration % checkpointEvery === 0 && iteration < iterations) lastCheckpoint = await checkpoint(iteration);
      if (options.shouldStop?.()) {
        stopped = true;
        if (iteration % recordEvery !== 0) await record();
        break;
      }
    }
    lastCheckpoint = await checkpoint(iteration);
  } finally {
    if (validating) await device.popErrorScope();
    trainer.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  const steps = iteration * trainer.stepsPerIteration;
  return {
    steps,
    iterations: iteration,
    seconds,
    stepsPerSecond: (steps - startStep) / seconds,
    returnLast100: records.at(-1)?.return_last100 ?? null,
    episodes,
    checkpoint: lastCheckpoint,
    stopped,
    dispatchesPerStep: trainer.dispatchesPerIteration / trainer.stepsPerIteration,
    records,
  };
}
