import type { EnvDefinition } from '../env.ts';
import type { GpuContext } from '../gpu/context.ts';
import { GpuPacer } from '../gpu/pacer.ts';
import { createCpuVecEnv } from '../vecenv/cpu.ts';
import { createGpuVecEnv, type GpuVecEnv } from '../vecenv/gpu.ts';
import { median, PassTimer, timeCommands, type Timing } from './timing.ts';

export interface GpuMeasurement {
  stepsPerSec: number;
  /** Env steps each invocation runs per dispatch (the random_steps kernel's fusion). */
  stepsPerDispatch: number;
  dispatches: number;
  timing: Timing;
}

function timeRepetition(ctx: GpuContext, vec: GpuVecEnv, dispatches: number, timer?: PassTimer, pacer?: GpuPacer): Promise<number> {
  return timeCommands(ctx.device, (encoder) => {
    for (let d = 0; d < dispatches; d++) vec.encode(encoder, 'randomSteps', timer?.writes(d, dispatches));
  }, timer, pacer);
}

/**
 * Env steps per second of the random_steps kernel: `steps` steps of every env per repetition, in
 * dispatches of `stepsPerDispatch` steps, all in one submit; the median of `repetitions`.
 */
export async function measureGpu(
  ctx: GpuContext,
  env: EnvDefinition<any, any>,
  numEnvs: number,
  steps: number,
  stepsPerDispatch: number,
  repetitions: number,
): Promise<GpuMeasurement> {
  const vec = createGpuVecEnv(ctx, env, { numEnvs, seed: 1 });
  const perDispatch = Math.min(stepsPerDispatch, steps);
  const dispatches = Math.max(1, Math.round(steps / perDispatch));
  const timer = ctx.hasTimestamps ? new PassTimer(ctx.device) : undefined;
  try {
    vec.prepareRandomSteps(perDispatch);
    await timeRepetition(ctx, vec, 1);
    const seconds: number[] = [];
    const pacer = new GpuPacer();
    for (let r = 0; r < repetitions; r++) seconds.push(await timeRepetition(ctx, vec, dispatches, timer, pacer));
    return {
      stepsPerSec: (numEnvs * perDispatch * dispatches) / median(seconds),
      stepsPerDispatch: perDispatch,
      dispatches,
      timing: timer ? 'gpu-timestamps' : 'wall-clock',
    };
  } finally {
    timer?.destroy();
    vec.destroy();
  }
}

/** The TypeScript reference's env steps per second over at least `minSteps` env steps, random actions. */
export function measureCpu(env: EnvDefinition<any, any>, numEnvs: number, minSteps: number, repetitions: number): number {
  const vec = createCpuVecEnv(env, { numEnvs, seed: 1 });
  const steps = Math.max(1, Math.ceil(minSteps / numEnvs));
  vec.stepRandom(1);
  const rates: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    const start = performance.now();
    vec.stepRandom(steps);
    rates.push((numEnvs * steps) / ((performance.now() - start) / 1e3));
  }
  return median(rates);
}
