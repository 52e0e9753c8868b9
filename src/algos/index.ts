import type { z } from 'zod';
import { getEnv } from '../../envs/index.ts';
import { InputError } from '../errors.ts';
import type { NetworkConfig } from '../nn/params.ts';
import type { IterationPlan } from '../train/gpu-trainer.ts';
import { A2C_CLASSIC, A2C_MINATAR, a2cConfigSchema, a2cPlan } from './a2c.ts';
import { networkConfig, parseConfig, type NetworkChoice } from './common.ts';
import { PPO_CLASSIC, PPO_MINATAR, ppoConfigSchema, ppoPlan } from './ppo.ts';
import { REINFORCE_CLASSIC, REINFORCE_MINATAR, reinforceConfigSchema, reinforcePlan } from './reinforce.ts';

/** What every algorithm's config has; the rest is its own. */
export interface AlgoConfig {
  totalSteps: number;
  numEnvs: number;
  numSteps: number;
  learningRate: number;
  annealLr: boolean;
  network: NetworkChoice;
}

interface Algorithm {
  schema: z.ZodType<AlgoConfig>;
  /** Defaults for classic control and for MinAtar. */
  presets: { classic: AlgoConfig; minatar: AlgoConfig };
  plan(config: AlgoConfig): IterationPlan;
  critic(config: AlgoConfig): boolean;
}

export const ALGORITHMS = {
  ppo: { schema: ppoConfigSchema, presets: { classic: PPO_CLASSIC, minatar: PPO_MINATAR }, plan: ppoPlan, critic: () => true },
  a2c: { schema: a2cConfigSchema, presets: { classic: A2C_CLASSIC, minatar: A2C_MINATAR }, plan: a2cPlan, critic: () => true },
  reinforce: {
    schema: reinforceConfigSchema,
    presets: { classic: REINFORCE_CLASSIC, minatar: REINFORCE_MINATAR },
    plan: reinforcePlan,
    critic: (config: AlgoConfig) => (config as typeof REINFORCE_CLASSIC).baseline,
  },
} as unknown as Record<AlgoName, Algorithm>;

export type AlgoName = 'ppo' | 'a2c' | 'reinforce';
export const ALGO_NAMES: readonly AlgoName[] = ['ppo', 'a2c', 'reinforce'];

export function getAlgorithm(name: string): Algorithm {
  if (!(ALGO_NAMES as readonly string[]).includes(name)) throw new InputError(`unknown algorithm '${name}'; choose one of ${ALGO_NAMES.join(', ')}`);
  return ALGORITHMS[name as AlgoName];
}

/** An algorithm's preset for the env's family with the user's fields over it, checked. */
export function resolveConfig(algo: AlgoName, envId: string, overrides: Record<string, unknown> = {}): AlgoConfig {
  // An unknown env id is refused before its config.
  getEnv(envId);
  const preset = getAlgorithm(algo).presets[envId.startsWith('minatar/') ? 'minatar' : 'classic'];
  const network = { ...preset.network, ...((overrides.network as object | undefined) ?? {}) };
  return parseConfig(getAlgorithm(algo).schema, { ...preset, ...overrides, network }, algo);
}

export interface TrainingSetup {
  plan: IterationPlan;
  network: NetworkConfig;
}

export function trainingSetup(algo: AlgoName, envId: string, config: AlgoConfig): TrainingSetup {
  const algorithm = getAlgorithm(algo);
  return { plan: algorithm.plan(config), network: networkConfig(getEnv(envId).spec, config.network, algorithm.critic(config)) };
}
