import { SingleBar } from 'cli-progress';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getEnv } from '../../envs/index.ts';
import { getAlgorithm, resolveConfig, type AlgoName } from '../algos/index.ts';
import { InputError } from '../errors.ts';
import { CHECKPOINT_FILE, loadCheckpoint, type Checkpoint } from '../train/checkpoint.ts';
import type { MetricsRecord } from '../train/metrics.ts';
import { train, trainingIterations, type RunResult } from '../train/run.ts';
import { nonNegativeInt, positiveInt } from './flags.ts';
import { openGpuForLongKernels, type GpuFlags } from './gpu-options.ts';

export interface TrainFlags extends GpuFlags {
  env?: string;
  algo?: string;
  totalSteps?: string;
  envs?: string;
  seed?: string;
  seeds?: string;
  config?: string;
  out?: string;
  checkpointEvery: string;
  resume?: string[];
  json?: boolean;
}

export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new InputError(`config file not found: ${path}`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${path}: expected a JSON object of config fields`);
  return value as Record<string, unknown>;
}

/**
 * SIGINTs this close together are one interrupt: `timeout -s INT` signals the command and then its
 * process group, and npm forwards the terminal's Ctrl-C to a child that already got it.
 */
const SAME_INTERRUPT_MS = 300;

const formatReturn = (value: number | null) => (value === null ? '-' : value.toFixed(1));

/** The checkpoints of the runs --resume names, in seed order, checked to make one run or one seed grid. */
function loadResumed(dirs: string[]): { checkpoints: Checkpoint[]; dirs: string[] } {
  const runs = dirs.map((dir) => ({ dir, checkpoint: loadCheckpoint(dir) })).sort((a, b) => a.checkpoint.seed - b.checkpoint.seed);
  const [first] = runs;
  for (const [k, { dir, checkpoint }] of runs.entries()) {
    const same = checkpoint.envId === first.checkpoint.envId && checkpoint.algo === first.checkpoint.algo && JSON.stringify(checkpoint.config) === JSON.stringify(first.checkpoint.config);
    if (!same || checkpoint.step !== first.checkpoint.step || checkpoint.seed !== first.checkpoint.seed + k) {
      throw new InputError(
        `--resume: ${dir} (${checkpoint.envId}, ${checkpoint.algo}, seed ${checkpoint.seed}, step ${checkpoint.step}) does not continue a seed grid with ${first.dir} (${first.checkpoint.envId}, ${first.checkpoint.algo}, seed ${first.checkpoint.seed}, step ${first.checkpoint.step}): the runs must share env, algorithm, config and step, and have consecutive seeds`,
      );
    }
  }
  return { checkpoints: runs.map((run) => run.checkpoint), dirs: runs.map((run) => run.dir) };
}

export async function trainCommand(flags: TrainFlags): Promise<number> {
  const resumed = flags.resume ? loadResumed(flags.resume) : undefined;
  const resume = resumed?.checkpoints[0];
  if (resume && resumed) {
    const run = { '--env': resume.envId, '--algo': resume.algo, '--seed': String(resume.seed) };
    const given = { '--env': flags.env, '--algo': flags.algo, '--seed': flags.seed && String(nonNegativeInt('--seed', flags.seed)) };
    for (const [flag, value] of Object.entries(given)) {
      const own = run[flag as keyof typeof run];
      if (value !== undefined && value !== own) throw new InputError(`${flag} ${value}: this run was started with ${flag} ${own}, and --resume continues it as it was`);
    }
    const count = resumed.checkpoints.length;
    if (flags.seeds !== undefined && positiveInt('--seeds', flags.seeds) !== count) {
      throw new InputError(`--seeds ${flags.seeds}: --resume continues the ${count === 1 ? 'run' : `${count} runs`} it names; to resume a seed grid, name the directory of each of its runs`);
    }
  }
  const envId = resume?.envId ?? flags.env;
  if (!envId) throw new InputError('--env is required (or --resume <run directory>)');
  getEnv(envId);
  const algo = (resume?.algo ?? flags.algo ?? 'ppo') as AlgoName;
  getAlgorithm(algo);
  const overrides: Record<string, unknown> = { ...(resume?.config ?? {}), ...(flags.config ? readConfigFile(flags.config) : {}) };
  if (flags.totalSteps !== undefined) overrides.totalSteps = positiveInt('--total-steps', flags.totalSteps);
  if (flags.envs !== undefined) overrides.numEnvs = positiveInt('--envs', flags.envs);
  const config = resolveConfig(algo, envId, overrides);
  // The checkpoint counts iterations of its rollout shape; another shape would misplace its step.
  if (resume && (config.numEnvs !== resume.config.numEnvs || config.numSteps !== resume.config.numSteps)) {
    throw new InputError(
      `this run collects ${resume.config.numEnvs} envs × ${resume.config.numSteps} steps per iteration, and a resumed run must keep that (asked for ${config.numEnvs} × ${config.numSteps}); start a new run with --out to change it`,
    );
  }
  if (resume && resume.iteration >= trainingIterations(config)) {
    throw new InputError(`this run is already at step ${resume.step} of its ${config.totalSteps}; pass a larger --total-steps to train it further`);
  }
  const seed = resume?.seed ?? nonNegativeInt('--seed', flags.seed ?? '1');
  const seeds = resumed?.checkpoints.length ?? positiveInt('--seeds', flags.seeds ?? '1');
  const seedList = Array.from({ length: seeds }, (_, s) => seed + s);
  const defaultDir = (runSeed: number) => join('runs', `${envId.replace('/', '_')}_${algo}_s${runSeed}`);
  const outDirs = resumed?.dirs ?? (seeds === 1 ? [flags.out ?? defaultDir(seed)] : seedList.map((runSeed) => (flags.out ? join(flags.out, `s${runSeed}`) : defaultDir(runSeed))));
  for (const outDir of resumed ? [] : outDirs) {
    if (existsSync(join(outDir, CHECKPOINT_FILE))) throw new InputError(`${outDir} already holds a run; continue it with --resume ${outDir}, or choose another --out`);
  }
  const checkpointEvery = nonNegativeInt('--checkpoint-every', flags.checkpointEvery);

  const gpu = await openGpuForLongKernels(flags);
  const log = (text: string) => process.stderr.write(`${text}\n`);
  const which = seeds === 1 ? `seed ${seed}` : `seeds ${seed}–${seed + seeds - 1} side by side`;
  log(`wgym train: ${envId}, ${algo}, ${config.numEnvs} envs × ${config.numSteps} steps, ${config.totalSteps} steps, ${which}, on ${gpu.adapterName}; run ${seeds === 1 ? 'directory' : 'directories'} ${outDirs.join(', ')}`);
  if (resume && config.annealLr && config.totalSteps !== resume.config.totalSteps) {
    log(`note: the learning rate now anneals to 0 at ${config.totalSteps} steps, not at the ${resume.config.totalSteps} this run was started with`);
  }
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'train {bar} {percentage}% | {value}/{total} steps | {sps} steps/s | return {ret} | {eta_formatted} left', stream: process.stderr, etaBuffer: 20 })
    : undefined;
  bar?.start(config.totalSteps, resume?.step ?? 0, { sps: '-', ret: '-' });
  let lastLogged = 0;
  // Each run's latest mean return over its last 100 episodes.
  const returns: (number | null)[] = seedList.map(() => null);
  const onRecord = (record: MetricsRecord, run: number) => {
    returns[run] = record.return_last100;
    if (run < seeds - 1) return;
    const shown = returns.map(formatReturn).join(' / ');
    bar?.update(record.step, { sps: Math.round(record.steps_per_s), ret: shown });
    // Without a terminal, a line every ~10% of the run.
    if (!bar && record.step - lastLogged >= config.totalSteps / 10) {
      lastLogged = record.step;
      log(`  step ${record.step}: ${Math.round(record.steps_per_s)} steps/s${seeds > 1 ? ' each' : ''}, mean return (last 100 episodes) ${shown}`);
    }
  };
  let interrupts = 0;
  let firstInterrupt = 0;
  const onInterrupt = () => {
    const now = performance.now();
    if (interrupts++ === 0) {
      firstInterrupt = now;
      log('\nstopping after this iteration and saving a checkpoint (Ctrl-C again to quit at once; the last checkpoint stays intact)');
    } else if (now - firstInterrupt > SAME_INTERRUPT_MS) {
      process.exit(130);
    }
  };
  process.on('SIGINT', onInterrupt);
  try {
    const result = await train(gpu, { envId, algo, config, seed, seeds, outDirs, checkpointEvery, resume: resumed?.checkpoints, onRecord, log, shouldStop: () => interrupts > 0 });
    bar?.stop();
    const ended = result.stopped ? 'stopped' : 'done';
    const speed = `${Math.round(result.stepsPerSecond)} steps/s${seeds > 1 ? ` each, ${Math.round(seeds * result.stepsPerSecond)} together` : ''}`;
    const outcome = (run: RunResult) => `${run.episodes} episodes, mean return over the last 100 episodes ${formatReturn(run.returnLast100)}; checkpoint in ${run.checkpoint}`;
    if (seeds === 1) {
      log(`${ended}: ${result.steps} steps in ${result.seconds.toFixed(1)} s (${speed}), ${result.dispatchesPerStep.toFixed(3)} dispatches per env step, ${outcome(result.runs[0])}`);
    } else {
      log(`${ended}: ${result.steps} steps of each of ${seeds} runs in ${result.seconds.toFixed(1)} s (${speed}), ${result.dispatchesPerStep.toFixed(3)} dispatches per env step of a run`);
      for (const run of result.runs) log(`  seed ${run.seed}: ${outcome(run)}`);
    }
    if (flags.json) {
      const common = { env: envId, algo, steps: result.steps, seconds: result.seconds, steps_per_s: result.stepsPerSecond, dispatches_per_step: result.dispatchesPerStep };
      const own = (run: RunResult) => ({ seed: run.seed, episodes: run.episodes, return_last100: run.returnLast100, checkpoint: run.checkpoint });
      const summary = seeds === 1 ? { ...common, ...own(result.runs[0]) } : { ...common, seeds: seedList, runs: result.runs.map(own) };
      console.log(JSON.stringify({ ...summary, stopped: result.stopped, adapter: gpu.adapterName }));
    }
    return result.stopped ? 130 : 0;
  } finally {
    bar?.stop();
    process.off('SIGINT', onInterrupt);
    gpu.device.destroy();
  }
}
