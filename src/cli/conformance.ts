import { getEnv } from '../../envs/index.ts';
import { replayClassicCpu, replayClassicGpu } from '../conformance/classic.ts';
import { replayMinatarCpu, replayMinatarGpu } from '../conformance/minatar.ts';
import { formatReport, type ConformanceReport } from '../conformance/report.ts';
import type { ClassicEpisode, MinatarEpisode } from '../fixtures/read.ts';
import { readFixture } from '../fixtures/read.ts';
import type { GpuContext } from '../gpu/context.ts';
import { openGpu, type GpuFlags } from './gpu-options.ts';

export interface ConformanceFlags extends GpuFlags {
  backend: 'cpu' | 'gpu' | 'both';
  json?: boolean;
}

/** Replays a fixture file; resolves to the exit code (0 only when every episode matches). */
export async function conformanceCommand(file: string, flags: ConformanceFlags): Promise<number> {
  const { envId, episodes } = readFixture(file);
  const env = getEnv(envId);
  const minatar = envId.startsWith('minatar/');
  const onCpu = () => (minatar ? replayMinatarCpu(env, episodes as MinatarEpisode[]) : replayClassicCpu(env, episodes as ClassicEpisode[]));
  const onGpu = (ctx: GpuContext) =>
    minatar ? replayMinatarGpu(ctx, env, episodes as MinatarEpisode[]) : replayClassicGpu(ctx, env, episodes as ClassicEpisode[]);
  const reports: ConformanceReport[] = [];
  if (flags.backend !== 'gpu') reports.push(onCpu());
  if (flags.backend !== 'cpu') reports.push(await onGpu(await openGpu(flags)));
  if (flags.json) {
    console.log(JSON.stringify({ file, reports }, null, 2));
  } else {
    for (const report of reports) console.log(formatReport(report));
  }
  return reports.every((report) => report.matched === report.episodes) ? 0 : 1;
}
