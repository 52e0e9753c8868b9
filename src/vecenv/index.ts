import { getEnv } from '../../envs/index.ts';
import type { GpuContext } from '../gpu/context.ts';
import { createCpuVecEnv } from './cpu.ts';
import { createGpuVecEnv } from './gpu.ts';
import type { VecEnv, VecEnvOptions } from './types.ts';

export type { EpisodeStats, StepData, VecEnv, VecEnvOptions } from './types.ts';

/** A VecEnv of env `id` on the GPU of `ctx`, or on the CPU when ctx is 'cpu'. */
export function createVecEnv(ctx: GpuContext | 'cpu', id: string, options: VecEnvOptions): VecEnv {
  const env = getEnv(id);
  return ctx === 'cpu' ? createCpuVecEnv(env, options) : createGpuVecEnv(ctx, env, options);
}
