import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { annealedLearningRate } from '../algos/common.ts';
import { trainingSetup, type AlgoConfig, type AlgoName } from '../algos/index.ts';
import { RunError } from '../errors.ts';
import { readBuffer } from '../gpu/buffers.ts';
import type { GpuContext } from '../gpu/context.ts';
import { GpuPacer } from '../gpu/pacer.ts';
import { ADAM_STATE_BYTES } from '../nn/gpu/adam.ts';
import { philox4x32 } from '../rng/philox.ts';
import { saveCheckpoint, writeAtomically, type Checkpoint } from './checkpoint.ts';
import { concatenate, GpuTrainer } from './gpu-trainer.ts';
import { MetricsLog, type MetricsRecord } from './metrics.ts';

export const CONFIG_FILE = 'config.json';
/** Words of each run's AdamState. */
const ADAM_STATE_WORDS = ADAM_STATE_BYTES / 4;

export interface TrainOptions {
  envId: string;
  algo: AlgoName;
  config: AlgoConfig;
  /** The seed of the first run: run s of a seed grid trains seed + s. */
  seed: number;
  /** Runs of consecutive seeds trained side by side in every dispatch (GpuTrainerOptions.seeds); 1 unless given. */
  seeds?: number;
  /** Each run's directory for metrics, config and checkpoints; null keeps nothing on disk. */
  outDirs: string[] | null;
  /** Env steps between checkpoints (0: only at the end). */
  checkpointEvery: number;
  /** Continue the runs from their checkpoints (one per run, all at the same iteration). */
  resume?: Checkpoint[];
  /** Called with every metrics record, and the run's index in the grid. */
  onRecord?: (record: MetricsRecord, run: number) => void;
  /** Notes for the user (a resume that removed metrics records past its checkpoint). */
  log?: (text: string) => void;
  /** Polled between iterations: true ends the run early (with a checkpoint), as on Ctrl-C. */
  shouldStop?: () => boolean;
}

/** What one run of the grid ended with. */
export interface RunResult {
  seed: number;
  returnLast100: number | null;
  episodes: number;
  checkpoint: string | null;
  records: MetricsRecord[];
}

export interface TrainResult {
  /** Env steps of each run. */
  steps: number;
  iterations: number;
  seconds: number;
  /** Env steps per second of each run (the grid's together: times runs.length). */
  stepsPerSecond: number;
  stopped: boolean;
  /** GPU dispatches per env step of a run: the whole loop's, rollout and updates together. */
  dispatchesPerStep: number;
  runs: RunResult[];
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

/**
 * The GPU side of `seeds` runs of `algo` with this config: their envs seeded with envSeed, envSeed + 1,
 * …, their parameters fresh or given (the runs' one after another).
 */
export function createTrainer(gpu: GpuContext, algo: AlgoName, envId: string, config: AlgoConfig, envSeed: number, params?: Float32Array, seeds = 1): GpuTrainer {
  const { plan, network } = trainingSetup(algo, envId, config);
  return new GpuTrainer(gpu, { envId, env: { numEnvs: config.numEnvs, seed: envSeed }, seeds, network, plan, params, learningRate: config.learningRate });
}

/**
 * The env seed of a run of `seed` that starts at `iteration`: the seed itself from the start; a
 * resumed run's envs restart from fresh episodes, under the seed moved by an amount drawn from the
 * iteration, the same for every seed, so that a seed grid's runs keep consecutive env seeds.
 */
export function envSeedAt(seed: number, iteration: number): number {
  return iteration === 0 ? seed : (seed + philox4x32([iteration, 0, 0, 0], [0, 5])[0]) >>> 0;
}

/** One run's bookkeeping in the training loop. */
interface RunLog {
  seed: number;
  outDir: string | null;
  metrics: MetricsLog | null;
  /** Finished-episode totals, for the mean over the last 100 episodes. */
  chunks: Chunk[];
  episodes: number;
  /** Training time before this session (a resumed run's). */
  earlierSeconds: number;
  records: MetricsRecord[];
  lastCheckpoint: string | null;
}

/** Records at least this many env steps apart, so that short iterations are not each read back. */
const MIN_STEPS_PER_RECORD = 2048;

/**
 * The training loop, for one run or a seed grid of several. Every iteration is submitted without
 * waiting; every few iterations the episode and loss stats (a few dozen bytes per run) are read
 * back, which also keeps the queue from running far ahead of the GPU. A resumed run reseeds the
 * envs (envSeedAt) and continues the schedule, the optimizer and the minibatch shuffles where the
 * checkpoint left them.
 */
export async function train(gpu: GpuContext, options: TrainOptions): Promise<TrainResult> {
  const { config, resume } = options;
  const seeds = options.seeds ?? 1;
  if (resume && resume.length !== seeds) throw new RunError(`resuming ${seeds} runs needs ${seeds} checkpoints, got ${resume.length}`);
  if (options.outDirs && options.outDirs.length !== seeds) throw new RunError(`${seeds} runs need ${seeds} run directories, got ${options.outDirs.length}`);
  const startIteration = resume?.[0].iteration ?? 0;
  if (resume?.some((checkpoint, s) => checkpoint.iteration !== startIteration || checkpoint.seed !== options.seed + s)) {
    throw new RunError(`the checkpoints of a seed grid must be of seeds ${options.seed} … ${options.seed + seeds - 1} at one iteration`);
  }
  const { device } = gpu;
  // Pipeline creation and the first iteration's encoding are where a kernel the device rejects shows.
  device.pushErrorScope('validation');
  const resumedParams = resume && concatenate(resume.map((checkpoint) => checkpoint.params));
  const trainer = createTrainer(gpu, options.algo, options.envId, config, envSeedAt(options.seed, startIteration), resumedParams, seeds);
  let validating = true;
  const checkValidation = async () => {
    if (!validating) return;
    validating = false;
    const error = await device.popErrorScope();
    if (error) throw new RunError(`the WebGPU device rejected the training kernels: ${error.message.split('\n')[0]}`);
  };
  if (resume) {
    device.queue.writeBuffer(trainer.adam.firstMoment, 0, concatenate(resume.map((checkpoint) => checkpoint.firstMoment)));
    device.queue.writeBuffer(trainer.adam.secondMoment, 0, concatenate(resume.map((checkpoint) => checkpoint.secondMoment)));
    // Each run's AdamState starts with its step count; adam_prepare works out the rest.
    const adamStates = new Uint32Array(seeds * ADAM_STATE_WORDS);
    resume.forEach((checkpoint, s) => (adamStates[s * ADAM_STATE_WORDS] = checkpoint.adamStep));
    device.queue.writeBuffer(trainer.adam.state, 0, adamStates);
  }
  const iterations = trainingIterations(config);
  const recordEvery = Math.max(1, Math.ceil(MIN_STEPS_PER_RECORD / trainer.stepsPerIteration));
  const checkpointEvery = options.checkpointEvery > 0 ? Math.max(1, Math.round(options.checkpointEvery / trainer.stepsPerIteration)) : 0;

  const startStep = startIteration * trainer.stepsPerIteration;
  const runs = Array.from({ length: seeds }, (_, s): RunLog => {
    const seed = options.seed + s;
    const outDir = options.outDirs?.[s] ?? null;
    let metrics: MetricsLog | null = null;
    let history: MetricsRecord[] = [];
    if (outDir) {
      mkdirSync(outDir, { recursive: true });
      const { network, plan } = trainer.options;
      const description = { envId: options.envId, algo: options.algo, seed, config, network, plan, adapter: gpu.adapterName };
      writeAtomically(join(outDir, CONFIG_FILE), `${JSON.stringify(description, null, 2)}\n`);
    }
    if (outDir && resume) {
      const restored = MetricsLog.resume(outDir, startStep);
      metrics = restored.log;
      history = restored.history.kept;
      const { dropped, unreadable } = restored.history;
      if (dropped > 0) options.log?.(`note: removed ${dropped} metrics records past step ${startStep} from ${outDir} (written after the checkpoint; those steps are trained again)`);
      if (unreadable > 0) options.log?.(`note: removed ${unreadable} unreadable lines from ${outDir}/metrics.jsonl`);
    } else if (outDir) {
      metrics = MetricsLog.create(outDir);
    }
    // A resumed run carries on the episode count, the last-100 window and the training time.
    const chunks: Chunk[] = history
      .filter((entry) => entry.window_episodes > 0 && entry.return_mean !== null)
      .map((entry) => ({ episodes: entry.window_episodes, returnSum: (entry.return_mean as number) * entry.window_episodes }));
    return { seed, outDir, metrics, chunks, episodes: history.at(-1)?.episodes ?? 0, earlierSeconds: history.at(-1)?.time_s ?? 0, records: [], lastCheckpoint: null };
  });

  const pacer = new GpuPacer();
  const checkpoint = async (iteration: number): Promise<void> => {
    if (!options.outDirs) return;
    const [params, first, second, adamStates] = await pacer.wait(() =>
      Promise.all([trainer.params, trainer.adam.firstMoment, trainer.adam.secondMoment, trainer.adam.state].map((buffer) => readBuffer(device, buffer))),
    );
    const size = trainer.net.layout.size;
    const part = (raw: ArrayBuffer, s: number) => new Float32Array(raw, s * size * 4, size);
    runs.forEach((run, s) => {
      if (!run.outDir) return;
      saveCheckpoint(run.outDir, {
        envId: options.envId,
        algo: options.algo,
        seed: run.seed,
        config,
        step: iteration * trainer.stepsPerIteration,
        iteration,
        adamStep: new Uint32Array(adamStates)[s * ADAM_STATE_WORDS],
        net: trainer.net,
        params: part(params, s),
        firstMoment: part(first, s),
        secondMoment: part(second, s),
      });
      run.lastCheckpoint = run.outDir;
    });
  };

  const start = performance.now();
  let iteration = startIteration;
  let stopped = false;

  const record = async (): Promise<void> => {
    const [stats, losses] = await pacer.wait(() => Promise.all([trainer.vecEnv.readSeedStats(), trainer.readLossStats()]));
    const step = iteration * trainer.stepsPerIteration;
    const seconds = (performance.now() - start) / 1000;
    runs.forEach((run, s) => {
      const loss = losses[s];
      for (const value of [loss.policyLoss, loss.valueLoss, loss.entropy, loss.gradNorm]) {
        if (!Number.isFinite(value)) {
          throw new TrainingDivergedError(
            `training diverged: ${seeds > 1 ? `seed ${run.seed}'s` : 'the'} loss became ${value} by step ${step} (iteration ${iteration}); ${run.lastCheckpoint ? `the last good checkpoint is in ${run.lastCheckpoint}` : 'no checkpoint was written'}. Try a lower learning rate.`,
          );
        }
      }
      const ended = stats[s];
      run.episodes += ended.episodes;
      if (ended.episodes > 0) run.chunks.push({ episodes: ended.episodes, returnSum: ended.meanReturn * ended.episodes });
      let lastEpisodes = 0;
      let lastSum = 0;
      for (let k = run.chunks.length - 1; k >= 0 && lastEpisodes < 100; k--) {
        lastEpisodes += run.chunks[k].episodes;
        lastSum += run.chunks[k].returnSum;
      }
      const nullable = (value: number) => (ended.episodes > 0 ? value : null);
      const entry: MetricsRecord = {
        step,
        iteration,
        time_s: run.earlierSeconds + seconds,
        steps_per_s: (step - startStep) / seconds,
        episodes: run.episodes,
        window_episodes: ended.episodes,
        return_mean: nullable(ended.meanReturn),
        return_std: nullable(ended.stdReturn),
        length_mean: nullable(ended.meanLength),
        return_last100: lastEpisodes > 0 ? lastSum / lastEpisodes : null,
        policy_loss: loss.policyLoss,
        value_loss: loss.valueLoss,
        entropy: loss.entropy,
        approx_kl: loss.approxKl,
        clip_fraction: loss.clipFraction,
        grad_norm: loss.gradNorm,
        learning_rate: annealedLearningRate(config.learningRate, config.annealLr, iteration - 1, iterations),
      };
      run.records.push(entry);
      run.metrics?.append(entry);
      options.onRecord?.(entry, s);
    });
  };

  try {
    while (iteration < iterations) {
      trainer.iterate(annealedLearningRate(config.learningRate, config.annealLr, iteration, iterations));
      pacer.submitted();
      iteration++;
      await checkValidation();
      if (iteration % recordEvery === 0 || iteration === iterations) await record();
      if (checkpointEvery && iteration % checkpointEvery === 0 && iteration < iterations) await checkpoint(iteration);
      if (options.shouldStop?.()) {
        stopped = true;
        if (iteration % recordEvery !== 0) await record();
        break;
      }
    }
    await checkpoint(iteration);
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
    stopped,
    dispatchesPerStep: trainer.dispatchesPerIteration / trainer.stepsPerIteration,
    runs: runs.map((run) => ({ seed: run.seed, returnLast100: run.records.at(-1)?.return_last100 ?? null, episodes: run.episodes, checkpoint: run.lastCheckpoint, records: run.records })),
  };
}

