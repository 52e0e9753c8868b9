import { readFileSync, existsSync } from 'node:fs';
import { InputError, RunError } from '../errors.ts';
import type { GpuContext } from '../gpu/context.ts';
import { decodeSafetensors, loadParams, METADATA_ENV_ID } from '../nn/safetensors.ts';
import { modelPath } from './checkpoint.ts';
import { GpuTrainer, type IterationPlan } from './gpu-trainer.ts';

export interface EvaluateOptions {
  /** A model.safetensors file, or a run directory holding one. */
  checkpoint: string;
  /** Checked against the file's env id when given. */
  envId?: string;
  episodes: number;
  numEnvs: number;
  greedy: boolean;
  seed: number;
}

export interface Evaluation {
  envId: string;
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  meanLength: number;
  steps: number;
}

/** Steps of every env per rollout dispatch while evaluating. */
const EVAL_ROLLOUT_STEPS = 64;
/** A rollout-only plan: evaluation never updates the parameters. */
const EVAL_PLAN: IterationPlan = {
  rolloutSteps: EVAL_ROLLOUT_STEPS,
  gamma: 0.99,
  gaeLambda: 1,
  bootstrapTruncation: false,
  bootstrapLast: false,
  loss: 'policy-gradient',
  epochs: 1,
  minibatches: 1,
  clipCoef: 0,
  clipValueLoss: false,
  entCoef: 0,
  vfCoef: 0,
  normalizeAdvantages: false,
  maxGradNorm: null,
};
/** Gives up when this many steps per requested episode pass without them finishing. */
const MAX_STEPS_PER_EPISODE = 100_000;

/**
 * Runs a saved policy in numEnvs envs (sampling, or its most probable action) until at least
 * `episodes` episodes have finished; their mean and population std of returns.
 */
export async function evaluate(gpu: GpuContext, options: EvaluateOptions): Promise<Evaluation> {
  const file = modelPath(options.checkpoint);
  if (!existsSync(file)) throw new InputError(`checkpoint not found: ${file}`);
  const bytes = readFileSync(file);
  const fileEnv = decodeSafetensors(bytes, file).metadata[METADATA_ENV_ID];
  if (fileEnv === undefined) throw new InputError(`${file}: no '${METADATA_ENV_ID}' in its metadata; was it written by wgym?`);
  const envId = options.envId ?? fileEnv;
  const loaded = loadParams(bytes, { envId }, file);
  gpu.device.pushErrorScope('validation');
  const trainer = new GpuTrainer(gpu, {
    envId,
    env: { numEnvs: options.numEnvs, seed: options.seed },
    network: loaded.network.config,
    plan: EVAL_PLAN,
    params: loaded.params,
    learningRate: 0,
    greedy: options.greedy,
  });
  let episodes = 0;
  let returnSum = 0;
  let returnSquares = 0;
  let lengthSum = 0;
  let steps = 0;
  try {
    while (episodes < options.episodes) {
      if (steps > MAX_STEPS_PER_EPISODE * options.episodes) {
        throw new InputError(`evaluation: only ${episodes} of ${options.episodes} episodes finished in ${steps} steps`);
      }
      trainer.act();
      if (steps === 0) {
        const error = await gpu.device.popErrorScope();
        if (error) throw new RunError(`the WebGPU device rejected the policy kernels: ${error.message.split('\n')[0]}`);
      }
      steps += trainer.stepsPerIteration;
      const stats = await trainer.vecEnv.readStats();
      if (stats.episodes === 0) continue;
      episodes += stats.episodes;
      returnSum += stats.meanReturn * stats.episodes;
      returnSquares += (stats.stdReturn ** 2 + stats.meanReturn ** 2) * stats.episodes;
      lengthSum += stats.meanLength * stats.episodes;
    }
  } finally {
    trainer.destroy();
  }
  const meanReturn = returnSum / episodes;
  return {
    envId,
    episodes,
    meanReturn,
    stdReturn: Math.sqrt(Math.max(0, returnSquares / episodes - meanReturn ** 2)),
    meanLength: lengthSum / episodes,
    steps,
  };
}
