import { SingleBar } from 'cli-progress';
import { ENV_IDS, getEnv } from '../../envs/index.ts';
import { measureCpu, measureGpu } from '../bench/env-steps.ts';
import type { Timing } from '../bench/timing.ts';
import { InputError } from '../errors.ts';
import { positiveInt, positiveInts } from './flags.ts';
import { openGpuForLongKernels, type GpuFlags } from './gpu-options.ts';

export interface BenchFlags extends GpuFlags {
  env: string;
  envs: string;
  steps: string;
  stepsPerDispatch: string;
  cpuSteps: string;
  repetitions: string;
  backend: 'gpu' | 'cpu' | 'both';
  json?: boolean;
}

export interface BenchRow {
  env: string;
  numEnvs: number;
  gpuStepsPerSec?: number;
  cpuStepsPerSec?: number;
  /** GPU over CPU, both measured in this run. */
  ratio?: number;
  stepsPerDispatch?: number;
}

const formatRate = (rate?: number) => (rate === undefined ? '-' : `${(rate / 1e6).toFixed(2)}M`);

export async function benchCommand(flags: BenchFlags): Promise<number> {
  const ids = flags.env === 'all' ? ENV_IDS : flags.env.split(',');
  const envs = ids.map((id) => getEnv(id.trim()));
  const sizes = positiveInts('--envs', flags.envs);
  const steps = positiveInt('--steps', flags.steps);
  const stepsPerDispatch = positiveInt('--steps-per-dispatch', flags.stepsPerDispatch);
  const cpuSteps = positiveInt('--cpu-steps', flags.cpuSteps);
  const repetitions = positiveInt('--repetitions', flags.repetitions);
  const useGpu = flags.backend !== 'cpu';
  const useCpu = flags.backend !== 'gpu';
  const ctx = useGpu ? await openGpuForLongKernels(flags) : undefined;

  const bar = process.stderr.isTTY ? new SingleBar({ format: 'bench {bar} {value}/{total} {task}', stream: process.stderr }) : undefined;
  bar?.start(envs.length * sizes.length, 0, { task: '' });
  const rows: BenchRow[] = [];
  let timing: Timing | undefined;
  for (const env of envs) {
    for (const numEnvs of sizes) {
      bar?.update({ task: `${env.spec.id} × ${numEnvs}` });
      const row: BenchRow = { env: env.spec.id, numEnvs };
      if (ctx) {
        const gpu = await measureGpu(ctx, env, numEnvs, steps, stepsPerDispatch, repetitions);
        row.gpuStepsPerSec = gpu.stepsPerSec;
        row.stepsPerDispatch = gpu.stepsPerDispatch;
        timing = gpu.timing;
      }
      if (useCpu) row.cpuStepsPerSec = measureCpu(env, numEnvs, cpuSteps, repetitions);
      if (row.gpuStepsPerSec !== undefined && row.cpuStepsPerSec !== undefined) row.ratio = row.gpuStepsPerSec / row.cpuStepsPerSec;
      rows.push(row);
      bar?.increment();
    }
  }
  bar?.stop();

  const summary = { adapter: ctx?.adapterName ?? null, gpuTiming: timing ?? null, stepsPerEnv: steps, repetitions, rows };
  if (flags.json) {
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  if (ctx) console.log(`adapter: ${ctx.adapterName}; GPU time from ${timing === 'gpu-timestamps' ? 'timestamp queries' : 'the wall clock'}`);
  console.log(`env steps/s, random actions drawn on the device, median of ${repetitions}; CPU = the TypeScript reference, this run`);
  const header = ['env', 'envs', 'GPU steps/s', 'CPU steps/s', 'GPU/CPU', 'steps/dispatch'];
  const table = rows.map((row) => [
    row.env,
    String(row.numEnvs),
    formatRate(row.gpuStepsPerSec),
    formatRate(row.cpuStepsPerSec),
    row.ratio === undefined ? '-' : `${row.ratio.toFixed(1)}×`,
    row.stepsPerDispatch === undefined ? '-' : String(row.stepsPerDispatch),
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...table.map((cells) => cells[c].length)));
  for (const cells of [header, ...table]) console.log(cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  return 0;
}
