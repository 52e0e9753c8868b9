import type { EnvDefinition } from '../src/env.ts';
import { InputError } from '../src/errors.ts';
import { acrobot } from './classic/acrobot/spec.ts';
import { cartpole } from './classic/cartpole/spec.ts';
import { mountainCar } from './classic/mountain_car/spec.ts';
import { pendulum } from './classic/pendulum/spec.ts';
import { asterix } from './minatar/asterix/spec.ts';
import { breakout } from './minatar/breakout/spec.ts';
import { freeway } from './minatar/freeway/spec.ts';
import { seaquest } from './minatar/seaquest/spec.ts';
import { spaceInvaders } from './minatar/space_invaders/spec.ts';

/** Every env wgym offers, by id. */
export const ENVS: readonly EnvDefinition<any, any>[] = [
  cartpole,
  acrobot,
  mountainCar,
  pendulum,
  asterix,
  breakout,
  freeway,
  seaquest,
  spaceInvaders,
];

export const ENV_IDS = ENVS.map((env) => env.spec.id);

export class UnknownEnvError extends InputError {
  override name = 'UnknownEnvError';
}

export function getEnv(id: string): EnvDefinition<any, any> {
  const env = ENVS.find((candidate) => candidate.spec.id === id);
  if (!env) throw new UnknownEnvError(`unknown env id '${id}'; valid ids: ${ENV_IDS.join(', ')}`);
  return env;
}
