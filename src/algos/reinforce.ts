import { z } from 'zod';
import type { IterationPlan } from '../train/gpu-trainer.ts';
import { commonConfigFields, MLP_64_RELU, MLP_64_TANH } from './common.ts';

/**
 * REINFORCE (Williams, 1992) on batches of numEnvs × numSteps steps. Each iteration:
 *   1. roll out numSteps steps of numEnvs envs;
 *   2. Monte-Carlo returns G_t = Σ γ^k r_{t+k} up to the episode's end (GAE with λ = 1 and V = 0);
 *      an episode still running when the rollout ends has its return cut there, so numSteps should
 *      be at least a typical episode (CartPole's time limit is 500);
 *   3. one gradient step on −(G − b) log π − entCoef · H, where the baseline b = V(s) is fitted by
 *      vfCoef · ½ (V − G)² (baseline: true) or absent (b = 0, no critic).
 */
export const reinforceConfigSchema = z.strictObject({
  ...commonConfigFields,
  baseline: z.boolean(),
  normAdv: z.boolean(),
});
export type ReinforceConfig = z.infer<typeof reinforceConfigSchema>;

/**
 * No one set of REINFORCE defaults is standard; these reach CartPole's targets here: 1,000 steps
 * per update (2 envs × CartPole's 500-step limit) at lr 2e-3 with Adam. 8 envs at 1e-3 learned
 * four times more slowly per step (return 33 after 100k steps, against 119 after 84k).
 */
export const REINFORCE_CLASSIC: ReinforceConfig = {
  totalSteps: 1_000_000,
  numEnvs: 2,
  numSteps: 500,
  learningRate: 2e-3,
  annealLr: false,
  gamma: 0.99,
  baseline: true,
  normAdv: true,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  network: MLP_64_TANH,
};

export const REINFORCE_MINATAR: ReinforceConfig = { ...REINFORCE_CLASSIC, totalSteps: 10_000_000, numEnvs: 64, numSteps: 128, entCoef: 0.01, network: MLP_64_RELU };

export function reinforcePlan(config: ReinforceConfig): IterationPlan {
  return {
    rolloutSteps: config.numSteps,
    gamma: config.gamma,
    gaeLambda: 1,
    bootstrapTruncation: false,
    bootstrapLast: false,
    loss: 'policy-gradient',
    epochs: 1,
    minibatches: 1,
    clipCoef: 0,
    clipValueLoss: false,
    entCoef: config.entCoef,
    vfCoef: config.vfCoef,
    normalizeAdvantages: config.normAdv,
    maxGradNorm: config.maxGradNorm,
  };
}
