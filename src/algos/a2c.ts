import { z } from 'zod';
import type { IterationPlan } from '../train/gpu-trainer.ts';
import { commonConfigFields, MLP_64_RELU, MLP_64_TANH } from './common.ts';

/**
 * A2C (Mnih et al., 2016), synchronous, with Stable-Baselines3's defaults (the CleanRL family has no
 * A2C file; SB3's is the one its comparisons use). Each iteration:
 *   1. roll out numSteps steps of numEnvs envs;
 *   2. n-step returns bootstrapped with V (GAE with gaeLambda = 1 is exactly that);
 *   3. one gradient step on −Â log π + vfCoef · ½ (V − R)² − entCoef · H over the whole rollout.
 * Two differences from SB3, both stated: the optimizer is Adam (SB3 uses RMSprop, alpha 0.99,
 * eps 1e-5), and the value loss carries CleanRL's ½, so SB3's vf_coef 0.5 is vfCoef 1 here.
 */
export const a2cConfigSchema = z.strictObject({
  ...commonConfigFields,
  gaeLambda: z.number().min(0).max(1),
  normAdv: z.boolean(),
  bootstrapTruncation: z.boolean(),
});
export type A2cConfig = z.infer<typeof a2cConfigSchema>;

/** SB3's A2C defaults with rl-zoo's CartPole settings (8 envs, no entropy bonus). */
export const A2C_CLASSIC: A2cConfig = {
  totalSteps: 1_000_000,
  numEnvs: 8,
  numSteps: 5,
  learningRate: 7e-4,
  annealLr: false,
  gamma: 0.99,
  gaeLambda: 1,
  normAdv: false,
  entCoef: 0,
  vfCoef: 1,
  maxGradNorm: 0.5,
  bootstrapTruncation: true,
  network: MLP_64_TANH,
};

export const A2C_MINATAR: A2cConfig = { ...A2C_CLASSIC, totalSteps: 10_000_000, numEnvs: 64, entCoef: 0.01, network: MLP_64_RELU };

export function a2cPlan(config: A2cConfig): IterationPlan {
  return {
    rolloutSteps: config.numSteps,
    gamma: config.gamma,
    gaeLambda: config.gaeLambda,
    bootstrapTruncation: config.bootstrapTruncation,
    bootstrapLast: true,
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
