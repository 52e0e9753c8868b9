import { SingleBar } from 'cli-progress';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getEnv } from '../../envs/index.ts';
import { getAlgorithm, resolveConfig, type AlgoName } from '../algos/index.ts';
import { InputError } from '../errors.ts';
import { CHECKPOINT_FILE, loadCheckpoint } from '../train/checkpoint.ts';
import type { MetricsRecord } from '../train/metrics.ts';
import { train, trainingIterations } from '../train/run.ts';
import { nonNegativeInt, positiveInt } from './flags.ts';
import { openGpuForLongKernels, type GpuFlags } from './gpu-options.ts';

export interface TrainFlags extends GpuFlags {
  env?: string;
  algo?: string;
  totalSteps?: string;
  envs?: string;
  seed?: string;
  config?: string;
  out?: string;
  checkpointEvery: string;
  resume?: string;
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

export async function trainCommand(flags: TrainFlags): Promise<number> {
  const resume = flags.resume ? loadCheckpoint(flags.resume) : undefined;
  if (resume) {
    const run = { '--env': resume.envId, '--algo': resume.algo, '--seed': String(resume.seed) };
    for (const [flag, value] of Object.entries({ '--env': flags.env, '--algo': flags.algo, '--seed': flags.seed && String(nonNegativeInt('--seed', flags.seed)) })) {
      const own = run[flag as keyof typeof run];
      if (value !== undefined && value !== own) throw new InputError(`${flag} ${value}: this run was started with ${flag} ${own}, and --resume continues it as it was`);
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
  const outDir = flags.resume ?? flags.out ?? join('runs', `${envId.replace('/', '_')}_${algo}_s${seed}`);
  if (!resume && existsSync(join(outDir, CHECKPOINT_FILE))) {
    throw new InputError(`${outDir} already holds a run; continue it with --resume ${outDir}, or choose another --out`);
  }
  const checkpointEvery = nonNegativeInt('--checkpoint-every', flags.checkpointEvery);

  const gpu = await openGpuForLongKernels(flags);
  const log = (text: string) => process.stderr.write(`${text}\n`);
  log(`wgym train: ${envId}, ${algo}, ${config.numEnvs} envs × ${config.numSteps} steps, ${config.totalSteps} steps, seed ${seed}, on ${gpu.adapterName}; run directory ${outDir}`);
  if (resume && config.annealLr && config.totalSteps !== resume.config.totalSteps) {
    log(`note: the learning rate now anneals to 0 at ${config.totalSteps} steps, not at the ${resume.config.totalSteps} this run was started with`);
  }
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'train {bar} {percentage}% | {value}/{total} steps | {sps} steps/s | return {ret} | {eta_formatted} left', stream: process.stderr, etaBuffer: 20 })
    : undefined;
  bar?.start(config.totalSteps, resume?.step ?? 0, { sps: '-', ret: '-' });
  let lastLogged = 0;
  const onRecord = (record: MetricsRecord) => {
    bar?.update(record.step, { sps: Math.round(record.steps_per_s), ret: formatReturn(record.return_last100) });
    // Without a terminal, a line every ~10% of the run.
    if (!bar && record.step - lastLogged >= config.totalSteps / 10) {
      lastLogged = record.step;
      log(`  step ${record.step}: ${Math.round(record.steps_per_s)} steps/s, mean return (last 100 episodes) ${formatReturn(record.return_last100)}`);
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
    const result = await train(gpu, { envId, algo, config, seed, outDir, checkpointEvery, resume, onRecord, log, shouldStop: () => interrupts > 0 });
    bar?.stop();
    log(
      `${result.stopped ? 'stopped' : 'done'}: ${result.steps} steps in ${result.seconds.toFixed(1)} s (${Math.round(result.stepsPerSecond)} steps/s), ` +
        `${result.dispatchesPerStep.toFixed(3)} dispatches per env step, ${result.episodes} episodes, ` +
        `mean return over the last 100 episodes ${formatReturn(result.returnLast100)}; checkpoint in ${result.checkpoint}`,
    );
    if (flags.json) {
      const summary = {
        env: envId,
        algo,
        seed,
        steps: result.steps,
        seconds: result.seconds,
        steps_per_s: result.stepsPerSecond,
        dispatches_per_step: result.dispatchesPerStep,
        episodes: result.episodes,
        return_last100: result.returnLast100,
        checkpoint: result.checkpoint,
        stopped: result.stopped,
        adapter: gpu.adapterName,
      };
      console.log(JSON.stringify(summary));
    }
    return result.stopped ? 130 : 0;
  } finally {
    bar?.stop();
    process.off('SIGINT', onInterrupt);
    gpu.device.destroy();
  }
}
