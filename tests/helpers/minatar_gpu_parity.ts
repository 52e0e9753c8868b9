import { getEnv } from '../../envs/index.ts';
import type { GpuContext } from '../../src/gpu/context.ts';
import { createCpuVecEnv, type CpuVecEnv } from '../../src/vecenv/cpu.ts';
import { createGpuVecEnv, type GpuVecEnv } from '../../src/vecenv/gpu.ts';
import type { EpisodeStats, RawStepData } from '../../src/vecenv/types.ts';

/** A MinAtar env on both backends under one seed, with the project RNG (and auto-reset unless turned off). */
export function twinVecEnvs(gpu: GpuContext, id: string, numEnvs: number, seed: number, autoReset = true): { onGpu: GpuVecEnv; onCpu: CpuVecEnv } {
  const env = getEnv(id);
  const options = { numEnvs, seed, autoReset };
  return { onGpu: createGpuVecEnv(gpu, env, options), onCpu: createCpuVecEnv(env, options) };
}

/** Lets `adjust` edit the CPU twin's reset states (numEnvs × state words), then starts both from them. */
async function adjustStartStates(onGpu: GpuVecEnv, onCpu: CpuVecEnv, adjust: (states: Float64Array) => void): Promise<void> {
  const states = await onCpu.readState();
  adjust(states);
  onGpu.writeState(states);
  onCpu.writeState(states);
}

/** The first env whose step outputs differ, as "env i: field", or undefined. */
function firstStepDifference(onGpu: RawStepData, onCpu: RawStepData): string | undefined {
  const numEnvs = onCpu.reward.length;
  const words = onCpu.obsWords.length / numEnvs;
  for (let i = 0; i < numEnvs; i++) {
    if (onGpu.reward[i] !== onCpu.reward[i]) return `env ${i}: reward ${onGpu.reward[i]} on the GPU, ${onCpu.reward[i]} on the CPU`;
    if (onGpu.done[i] !== onCpu.done[i]) return `env ${i}: done bits (1 terminated, 2 truncated) ${onGpu.done[i]} on the GPU, ${onCpu.done[i]} on the CPU`;
    for (let w = i * words; w < (i + 1) * words; w++) {
      if (onGpu.obsWords[w] !== onCpu.obsWords[w]) return `env ${i}: observation word ${w - i * words} differs`;
      if (onCpu.done[i] !== 0 && onGpu.finalObsWords[w] !== onCpu.finalObsWords[w]) return `env ${i}: final observation word ${w - i * words} differs`;
    }
  }
  return undefined;
}

export interface RandomPlayComparison {
  /** "step k, env i: field" for the first step output that differs, or undefined. */
  firstDifference?: string;
  gpuStates: Float64Array;
  cpuStates: Float64Array;
  gpuStats: EpisodeStats;
  cpuStats: EpisodeStats;
}

/**
 * Steps the twins with random actions (stepRandom(1) on both: the shared RNG gives both the same
 * actions) and compares every env's outputs after every step; stops at the first difference.
 * The GPU runs one step ahead, so that it works while the CPU steps and compares.
 * `adjustStart` may edit the reset states (numEnvs × state words) before both start from them.
 */
export async function compareRandomPlay(
  gpu: GpuContext,
  id: string,
  numEnvs: number,
  steps: number,
  seed: number,
  adjustStart?: (states: Float64Array) => void,
): Promise<RandomPlayComparison> {
  const { onGpu, onCpu } = twinVecEnvs(gpu, id, numEnvs, seed);
  if (adjustStart) await adjustStartStates(onGpu, onCpu, adjustStart);
  const gpuStep = () => {
    onGpu.stepRandom(1);
    return onGpu.readRaw();
  };
  let firstDifference: string | undefined;
  try {
    let gpuAhead = gpuStep();
    for (let step = 0; step < steps; step++) {
      onCpu.stepRandom(1);
      const cpuData = await onCpu.readRaw();
      const gpuData = await gpuAhead;
      const difference = firstStepDifference(gpuData, cpuData);
      if (difference) {
        firstDifference = `step ${step}, ${difference}`;
        break;
      }
      if (step + 1 < steps) gpuAhead = gpuStep();
    }
    const [gpuStates, cpuStates, gpuStats, cpuStats] = await Promise.all([onGpu.readState(), onCpu.readState(), onGpu.readStats(), onCpu.readStats()]);
    return { firstDifference, gpuStates, cpuStates, gpuStats, cpuStats };
  } finally {
    onGpu.destroy();
  }
}

export interface FinishedPlayComparison {
  gpuStates: Float64Array;
  cpuStates: Float64Array;
  gpu: RawStepData;
  cpu: RawStepData;
}

/**
 * The twins without auto-reset after `steps` random steps, as in conformance replays: an env whose
 * episode has ended keeps stepping its final state (reward 0, terminated, the sticky draw still
 * choosing the applied action), and the kernel must do what the reference does.
 */
export async function compareFinishedPlay(
  gpu: GpuContext,
  id: string,
  numEnvs: number,
  steps: number,
  seed: number,
  adjustStart?: (states: Float64Array) => void,
): Promise<FinishedPlayComparison> {
  const { onGpu, onCpu } = twinVecEnvs(gpu, id, numEnvs, seed, false);
  try {
    if (adjustStart) await adjustStartStates(onGpu, onCpu, adjustStart);
    onGpu.stepRandom(steps);
    onCpu.stepRandom(steps);
    const [gpuStates, cpuStates, gpuData, cpuData] = await Promise.all([onGpu.readState(), onCpu.readState(), onGpu.readRaw(), onCpu.readRaw()]);
    return { gpuStates, cpuStates, gpu: gpuData, cpu: cpuData };
  } finally {
    onGpu.destroy();
  }
}
