import { z } from 'zod';
import type { EnvSpec } from '../env.ts';
import { InputError } from '../errors.ts';
import { networkConfigFor, type NetworkConfig } from '../nn/params.ts';

/** The network part of every algorithm's config. */
export const networkSchema = z.strictObject({
  /** 'mlp': dense layers of `hidden` widths; 'minatar': the MinAtar paper's conv torso. */
  torso: z.enum(['mlp', 'minatar']),
  hidden: z.array(z.number().int().positive()).min(1),
  activation: z.enum(['tanh', 'relu']),
  /** One torso feeding the actor and critic heads, or one torso each (CleanRL's ppo.py). */
  sharedTorso: z.boolean(),
});
export type NetworkChoice = z.infer<typeof networkSchema>;

/**
 * The fields every algorithm's config has, with CleanRL's names: the run's length, the rollout
 * (numEnvs × numSteps per iteration), the learning rate and its linear annealing, the discount,
 * the loss coefficients, global-norm clipping and the network.
 */
export const commonConfigFields = {
  totalSteps: z.number().int().positive(),
  numEnvs: z.number().int().positive(),
  numSteps: z.number().int().positive(),
  learningRate: z.number().positive(),
  annealLr: z.boolean(),
  gamma: z.number().min(0).max(1),
  entCoef: z.number().min(0),
  vfCoef: z.number().min(0),
  maxGradNorm: z.number().positive(),
  network: networkSchema,
};

/** CleanRL's ppo.py network: separate 64-64 tanh torsos. */
export const MLP_64_TANH: NetworkChoice = { torso: 'mlp', hidden: [64, 64], activation: 'tanh', sharedTorso: false };
/** PureJaxRL's MinAtar network: separate 64-64 ReLU torsos. */
export const MLP_64_RELU: NetworkChoice = { torso: 'mlp', hidden: [64, 64], activation: 'relu', sharedTorso: false };

export function networkConfig(spec: EnvSpec, choice: NetworkChoice, critic: boolean): NetworkConfig {
  const torso: NetworkConfig['torso'] = choice.torso === 'minatar' ? { kind: 'minatar' } : { kind: 'mlp', hidden: choice.hidden, activation: choice.activation };
  return networkConfigFor(spec, { torso, sharedTorso: choice.sharedTorso, critic });
}

/** Parses a config (defaults merged with the user's fields) and names the first bad field. */
export function parseConfig<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${what} config: field '${issue.path.join('.') || '(config)'}': ${issue.message}`);
  }
  return parsed.data;
}

/** Linear annealing to 0 over the run, per iteration, as CleanRL's anneal_lr. */
export function annealedLearningRate(learningRate: number, anneal: boolean, iteration: number, iterations: number): number {
  return anneal ? learningRate * (1 - iteration / iterations) : learningRate;
}
