import { getEnv } from '../../envs/index.ts';
import { resolveConfig, type AlgoConfig, type AlgoName } from '../algos/index.ts';
import { profileTraining } from '../bench/train-phases.ts';
import { InputError } from '../errors.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { concatenate } from '../train/gpu-trainer.ts';
import { createTrainer } from '../train/run.ts';
import { positiveInt } from './flags.ts';
import { openGpuForLongKernels, type GpuFlags } from './gpu-options.ts';
import { readConfigFile } from './train.ts';

export interface ProfileFlags extends GpuFlags {
  env?: string;
  algo?: AlgoName;
  config?: string;
  envs?: string;
  checkpoint?: string;
  seeds?: string;
  repetitions: string;
  json?: boolean;
}

/** What to profile: a fresh network from the flags, or a run's trained one (ReLU's zeros, which the kernels skip, come with training). */
function profileSubject(flags: ProfileFlags): { envId: string; algo: AlgoName; config: AlgoConfig; params?: Float32Array; step?: number } {
  if (flags.checkpoint === undefined) {
    if (flags.env === undefined) throw new InputError('profile needs --env <id>, or --checkpoint <run dir> to profile a run as it has trained');
    getEnv(flags.env);
    const algo = flags.algo ?? 'ppo';
    const overrides: Record<string, unknown> = flags.config ? readConfigFile(flags.config) : {};
    if (flags.envs !== undefined) overrides.numEnvs = positiveInt('--envs', flags.envs);
    return { envId: flags.env, algo, config: resolveConfig(algo, flags.env, overrides) };
  }
  const given = (['env', 'algo', 'config', 'envs'] as const).filter((name) => flags[name] !== undefined);
  if (given.length > 0) throw new InputError(`--checkpoint profiles the run with its own env, algorithm and config; leave out ${given.map((name) => `--${name}`).join(', ')}`);
  const checkpoint = loadCheckpoint(flags.checkpoint);
  return { envId: checkpoint.envId, algo: checkpoint.algo, config: checkpoint.config, params: checkpoint.params, step: checkpoint.step };
}

export async function profileCommand(flags: ProfileFlags): Promise<number> {
  const { envId, algo, config, params, step } = profileSubject(flags);
  const repetitions = positiveInt('--repetitions', flags.repetitions);
  const seeds = positiveInt('--seeds', flags.seeds ?? '1');
  const gpu = await openGpuForLongKernels(flags);
  try {
    // A seed grid of a checkpoint's network: every run starts from its parameters.
    const trainer = createTrainer(gpu, algo, envId, config, 1, params && concatenate(Array.from({ length: seeds }, () => params)), seeds);
    const profile = await profileTraining(gpu, trainer, repetitions);
    // The grid's env steps together.
    const stepsPerSecond = (seeds * trainer.stepsPerIteration) / (profile.iterationMs / 1e3);
    const phaseSum = profile.phases.reduce((sum, phase) => sum + phase.msPerIteration, 0);
    if (flags.json) {
      console.log(
        JSON.stringify({
          env: envId,
          algo,
          ...(step === undefined ? {} : { checkpoint_step: step }),
          adapter: gpu.adapterName,
          timing: profile.timing,
          num_envs: config.numEnvs,
          num_steps: config.numSteps,
          seeds,
          steps_per_iteration: seeds * trainer.stepsPerIteration,
          dispatches_per_iteration: trainer.dispatchesPerIteration,
          phases: profile.phases.map((phase) => ({
            name: phase.name,
            dispatches_per_iteration: phase.dispatchesPerIteration,
            ms_per_dispatch: phase.msPerDispatch,
            ms_per_iteration: phase.msPerIteration,
          })),
          phases_ms: phaseSum,
          iteration_ms: profile.iterationMs,
          steps_per_s: stepsPerSecond,
        }),
      );
      return 0;
    }
    console.log(
      `${envId}, ${algo}${step === undefined ? '' : ` as trained to step ${step} (${flags.checkpoint})`}: ${config.numEnvs} envs × ${config.numSteps} steps${seeds > 1 ? ` × ${seeds} seeds side by side` : ''}, ${trainer.dispatchesPerIteration} dispatches per iteration, on ${gpu.adapterName}; ` +
        `GPU time from ${profile.timing === 'gpu-timestamps' ? 'timestamp queries' : 'the wall clock'}, median of ${repetitions}`,
    );
    const rows = profile.phases.map((phase) => [
      phase.name,
      String(phase.dispatchesPerIteration),
      phase.msPerDispatch.toFixed(3),
      phase.msPerIteration.toFixed(2),
      `${Math.round((100 * phase.msPerIteration) / phaseSum)}%`,
    ]);
    const table = [['phase', 'dispatches/iteration', 'ms/dispatch', 'ms/iteration', 'share'], ...rows];
    const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
    for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
    console.log(
      `phases together: ${phaseSum.toFixed(2)} ms; one whole iteration: ${profile.iterationMs.toFixed(2)} ms, ` +
        `${Math.round(stepsPerSecond)} env steps/s (the GPU's share of training: without the host's encoding and stats readbacks)`,
    );
    return 0;
  } finally {
    gpu.device.destroy();
  }
}
