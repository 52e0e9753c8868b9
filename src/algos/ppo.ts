import { z } from 'zod';
import type { IterationPlan } from '../train/gpu-trainer.ts';
import { commonConfigFields, MLP_64_RELU, MLP_64_TANH } from './common.ts';

/**
 * PPO (Schulman et al., 2017) as CleanRL's ppo.py and PureJaxRL's ppo.py run it. Each iteration:
 *   1. roll out numSteps steps of numEnvs envs with the current policy;
 *   2. advantages by GAE(γ, λ), value targets R = Â + V;
 *   3. updateEpochs passes over the numSteps × numEnvs samples, each in numMinibatches shuffled
 *      minibatches, minimizing the clipped surrogate
 *        −min(r Â, clip(r, 1 − ε, 1 + ε) Â) + vfCoef · ½ max((V − R)², (V_clip − R)²) − entCoef · H
 *      with Â normalized per minibatch, and one Adam step (global-norm clipped) per minibatch;
 *   4. the learning rate falls linearly to 0 over the run (annealLr).
 * All of it runs as GPU dispatches (src/train/gpu-trainer.ts); src/train/run.ts drives the loop.
 */
export const ppoConfigSchema = z.strictObject({
  ...commonConfigFields,
  gaeLambda: z.number().min(0).max(1),
  numMinibatches: z.number().int().positive(),
  updateEpochs: z.number().int().positive(),
  normAdv: z.boolean(),
  clipCoef: z.number().positive(),
  clipVloss: z.boolean(),
  /** Add γ·V(final observation) to the reward at a time-limit truncation (CleanRL and PureJaxRL do not). */
  bootstrapTruncation: z.boolean(),
});
export type PpoConfig = z.infer<typeof ppoConfigSchema>;

/** CleanRL ppo.py's defaults (CartPole-v1), which PureJaxRL's CartPole config shares. */
export const PPO_CLASSIC: PpoConfig = {
  totalSteps: 500_000,
  numEnvs: 4,
  numSteps: 128,
  learningRate: 2.5e-4,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  bootstrapTruncation: false,
  network: MLP_64_TANH,
};

/** PureJaxRL's MinAtar settings: 64 envs × 128 steps, lr 5e-3 annealed, 4 × 8 minibatches, 64-64 ReLU. */
export const PPO_MINATAR: PpoConfig = {
  ...PPO_CLASSIC,
  totalSteps: 10_000_000,
  numEnvs: 64,
  learningRate: 5e-3,
  numMinibatches: 8,
  network: MLP_64_RELU,
};

export function ppoPlan(config: PpoConfig): IterationPlan {
  return {
    rolloutSteps: config.numSteps,
    gamma: config.gamma,
    gaeLambda: config.gaeLambda,
    bootstrapTruncation: config.bootstrapTruncation,
    bootstrapLast: true,
    loss: 'ppo',
    epochs: config.updateEpochs,
    minibatches: config.numMinibatches,
    clipCoef: config.clipCoef,
    clipValueLoss: config.clipVloss,
    entCoef: config.entCoef,
    vfCoef: config.vfCoef,
    normalizeAdvantages: config.normAdv,
    maxGradNorm: config.maxGradNorm,
  };
}
