import type { EnvDefinition } from '../env.ts';
import type { GpuContext } from '../gpu/context.ts';
import { readBuffer } from '../gpu/buffers.ts';
import { createCpuVecEnv } from '../vecenv/cpu.ts';
import { createGpuVecEnv, type GpuVecEnv } from '../vecenv/gpu.ts';

export type Timing = 'gpu-timestamps' | 'wall-clock';

export interface GpuMeasurement {
  stepsPerSec: number;
  /** Env steps each invocation runs per dispatch (the random_steps kernel's fusion). */
  stepsPerDispatch: number;
  dispatches: number;
  timing: Timing;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Timestamps around the whole batch of dispatches of one repetition, resolved into a buffer. */
class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  writes(pass: number, passes: number): GPUComputePassTimestampWrites | undefined {
    if (pass !== 0 && pass !== passes - 1) return undefined;
    return {
      querySet: this.querySet,
      ...(pass === 0 ? { beginningOfPassWriteIndex: 0 } : {}),
      ...(pass === passes - 1 ? { endOfPassWriteIndex: 1 } : {}),
    };
  }

  finish(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
  }

  async seconds(): Promise<number> {
    const [begin, end] = new BigUint64Array(await readBuffer(this.device, this.resolve));
    return Number(end - begin) / 1e9;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
  }
}

async function timeRepetition(ctx: GpuContext, vec: GpuVecEnv, dispatches: number, timer?: PassTimer): Promise<number> {
  const encoder = ctx.device.createCommandEncoder();
  for (let d = 0; d < dispatches; d++) vec.encode(encoder, 'randomSteps', timer?.writes(d, dispatches));
  timer?.finish(encoder);
  const start = performance.now();
  ctx.device.queue.submit([encoder.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
  const wall = (performance.now() - start) / 1e3;
  return timer ? timer.seconds() : wall;
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
    for (let r = 0; r < repetitions; r++) seconds.push(await timeRepetition(ctx, vec, dispatches, timer));
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
