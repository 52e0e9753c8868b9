import { readFileSync, existsSync } from 'node:fs';
import { InputError, RunError } from '../errors.ts';
import type { GpuContext } from '../gpu/context.ts';
import { GpuPacer } from '../gpu/pacer.ts';
import { decodeSafetensors, loadParams, METADATA_ENV_ID } from '../nn/safetensors.ts';
import type { EpisodeSums } from '../vecenv/gpu.ts';
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
 * Totals over each env's first `share` episodes, from the envs' running sums read after every
 * rollout. Episodes that end in the rollout that completes an env's share all count: the sums
 * cannot tell them apart (in MinAtar, where episodes outlast a rollout, that is rare).
 */
export class EpisodeShares {
  episodes = 0;
  returnSum = 0;
  returnSquares = 0;
  lengthSum = 0;
  private readonly counted: Uint32Array;
  private previous: EpisodeSums | null = null;

  constructor(
    numEnvs: number,
    private readonly share: number,
  ) {
    this.counted = new Uint32Array(numEnvs);
  }

  get complete(): boolean {
    return this.counted.every((count) => count >= this.share);
  }

  read(sums: EpisodeSums): void {
    const before = this.previous;
    this.previous = sums;
    if (!before) return;
    this.counted.forEach((count, i) => {
      const ended = sums.episodes[i] - before.episodes[i];
      if (ended === 0 || count >= this.share) return;
      this.counted[i] += ended;
      this.episodes += ended;
      this.returnSum += sums.returnSum[i] - before.returnSum[i];
      this.returnSquares += sums.returnSqSum[i] - before.returnSqSum[i];
      this.lengthSum += sums.lengthSum[i] - before.lengthSum[i];
    });
  }
}

/**
 * Runs a saved policy in numEnvs envs (sampling, or its most probable action) until every env has
 * finished its share, ⌈episodes / numEnvs⌉, of episodes; the mean and population std of their
 * returns. Counting whichever episodes finish first, across envs, would favour short episodes (in
 * Space Invaders, the early deaths).
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
  const shares = new EpisodeShares(trainer.numEnvs, Math.ceil(options.episodes / trainer.numEnvs));
  const pacer = new GpuPacer();
  let steps = 0;
  try {
    shares.read(await trainer.vecEnv.readEpisodeSums());
    while (!shares.complete) {
      if (steps > MAX_STEPS_PER_EPISODE * options.episodes) {
        throw new InputError(`evaluation: only ${shares.episodes} of ${options.episodes} episodes finished in ${steps} steps`);
      }
      trainer.act();
      pacer.submitted();
      if (steps === 0) {
        const error = await gpu.device.popErrorScope();
        if (error) throw new RunError(`the WebGPU device rejected the policy kernels: ${error.message.split('\n')[0]}`);
      }
      steps += trainer.stepsPerIteration;
      shares.read(await pacer.wait(() => trainer.vecEnv.readEpisodeSums()));
    }
  } finally {
    trainer.destroy();
  }
  const { episodes, returnSum, returnSquares, lengthSum } = shares;
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
