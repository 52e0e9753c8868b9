import { evaluate } from '../train/evaluate.ts';
import { nonNegativeInt, positiveInt } from './flags.ts';
import { openGpuForLongKernels, type GpuFlags } from './gpu-options.ts';

export interface EvalFlags extends GpuFlags {
  checkpoint: string;
  env?: string;
  episodes: string;
  envs: string;
  seed: string;
  greedy?: boolean;
  json?: boolean;
}

export async function evalCommand(flags: EvalFlags): Promise<number> {
  const episodes = positiveInt('--episodes', flags.episodes);
  const numEnvs = positiveInt('--envs', flags.envs);
  const seed = nonNegativeInt('--seed', flags.seed);
  const gpu = await openGpuForLongKernels(flags);
  try {
    const result = await evaluate(gpu, { checkpoint: flags.checkpoint, envId: flags.env, episodes, numEnvs, greedy: flags.greedy ?? false, seed });
    const policy = flags.greedy ? 'greedy' : 'sampled';
    process.stderr.write(`${result.envId}, ${policy} actions, ${result.episodes} episodes on ${gpu.adapterName}\n`);
    if (flags.json) {
      console.log(JSON.stringify({ env: result.envId, mean_return: result.meanReturn, std_return: result.stdReturn, episodes: result.episodes, mean_length: result.meanLength, greedy: flags.greedy ?? false }));
    } else {
      console.log(`mean return ${result.meanReturn.toFixed(2)} ± ${result.stdReturn.toFixed(2)} (std) over ${result.episodes} episodes, mean length ${result.meanLength.toFixed(1)}`);
    }
    return 0;
  } finally {
    gpu.device.destroy();
  }
}
