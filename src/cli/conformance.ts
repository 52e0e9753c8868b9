import { getEnv } from '../../envs/index.ts';
import { replayClassicCpu, replayClassicGpu } from '../conformance/classic.ts';
import { formatReport, type ConformanceReport } from '../conformance/report.ts';
import { InputError } from '../errors.ts';
import type { ClassicEpisode } from '../fixtures/read.ts';
import { readFixture } from '../fixtures/read.ts';
import { openGpu, type GpuFlags } from './gpu-options.ts';

export interface ConformanceFlags extends GpuFlags {
  backend: 'cpu' | 'gpu' | 'both';
  json?: boolean;
}

/** Replays a fixture file; resolves to the exit code (0 only when every episode matches). */
export async function conformanceCommand(file: string, flags: ConformanceFlags): Promise<number> {
  const { envId, episodes } = readFixture(file);
  const env = getEnv(envId);
  if (envId.startsWith('minatar/')) throw new InputError(`conformance for ${envId} is not implemented yet`);
  const classic = episodes as ClassicEpisode[];
  const reports: ConformanceReport[] = [];
  if (flags.backend !== 'gpu') reports.push(replayClassicCpu(env, classic));
  if (flags.backend !== 'cpu') reports.push(await replayClassicGpu(await openGpu(flags), env, classic));
  if (flags.json) {
    console.log(JSON.stringify({ file, reports }, null, 2));
  } else {
    for (const report of reports) console.log(formatReport(report));
  }
  return reports.every((report) => report.matched === report.episodes) ? 0 : 1;
}
