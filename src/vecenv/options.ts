import type { ActionSpace, EnvDefinition } from '../env.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_SEED, type VecEnvOptions } from './types.ts';

export interface ResolvedOptions {
  /** The agent's action space: the env's, or its minimal set when params.minimalActionSet is on. */
  actionSpace: ActionSpace;
  /** With a minimal set: the env's action for each choice. */
  choices?: readonly number[];
  numEnvs: number;
  seed: number;
  /** Envs per seed (VecEnvOptions.seedEnvs). */
  seedEnvs: number;
  timeLimit: number;
  autoReset: boolean;
  params: Record<string, unknown>;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Checks user options once, for both backends, with messages that name the option and the rule. */
export function resolveOptions(env: EnvDefinition<any, any>, options: VecEnvOptions, maxEnvs: number): ResolvedOptions {
  const { numEnvs } = options;
  if (!isCount(numEnvs) || numEnvs === 0) {
    throw new InputError(`numEnvs must be a positive integer, got ${String(numEnvs)}`);
  }
  if (numEnvs > maxEnvs) {
    throw new InputError(`numEnvs ${numEnvs} is more than this backend allows (${maxEnvs})`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!isCount(seed) || seed > 0xffffffff) throw new InputError(`seed must be an integer in [0, 2^32), got ${String(seed)}`);
  const seedEnvs = options.seedEnvs ?? numEnvs;
  if (!isCount(seedEnvs) || seedEnvs === 0 || numEnvs % seedEnvs !== 0) {
    throw new InputError(`seedEnvs must be a positive integer that divides numEnvs (${numEnvs}), got ${String(seedEnvs)}`);
  }
  const timeLimit = options.timeLimit ?? env.spec.timeLimit;
  if (!isCount(timeLimit)) throw new InputError(`timeLimit must be a non-negative integer (0 for none), got ${String(timeLimit)}`);
  const params = { ...env.params };
  for (const [name, value] of Object.entries(options.params ?? {})) {
    if (!(name in env.params)) {
      throw new InputError(`${env.spec.id} has no param '${name}'; params: ${Object.keys(env.params).join(', ')}`);
    }
    if (typeof value !== typeof env.params[name]) {
      throw new InputError(`param '${name}' of ${env.spec.id} must be a ${typeof env.params[name]}, got ${JSON.stringify(value)}`);
    }
    params[name] = value;
  }
  env.checkParams?.(params);
  const choices = params.minimalActionSet === true ? env.spec.minimalActions : undefined;
  const actionSpace: ActionSpace = choices ? { kind: 'discrete', n: choices.length } : env.spec.actionSpace;
  return { actionSpace, choices, numEnvs, seed, seedEnvs, timeLimit, autoReset: options.autoReset ?? true, params };
}
