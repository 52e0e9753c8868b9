import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../errors.ts';
import { METRICS_JSONL, readRunMetrics, type MetricsRecord } from './metrics.ts';
import { CONFIG_FILE } from './run.ts';

/** What `wgym summary` reports of one run directory. */
export interface RunSummary {
  run: string;
  env: string | null;
  algo: string | null;
  seed: number | null;
  /** The network and the settings a reader compares runs by, in words (from config.json). */
  settings: string;
  steps: number;
  time_s: number;
  steps_per_s: number;
  return_last100: number | null;
  /** Mean return of the episodes that finished in the last `window_steps` env steps, and how many. */
  window_steps: number;
  window_return: number | null;
  window_episodes: number;
  /** Lines of metrics.jsonl that are not a record (a line cut short by a kill), left out. */
  unreadable: number;
}

/**
 * The mean return over the episodes of the records after step `end − window`, each record's mean
 * weighted by its episodes: the learning targets' "mean over the last 1M steps". A record holds the
 * episodes that finished since the one before, so the window starts at a record's boundary.
 */
export function windowReturn(records: readonly MetricsRecord[], windowSteps: number): { mean: number | null; episodes: number } {
  const end = records.at(-1)?.step ?? 0;
  let sum = 0;
  let episodes = 0;
  for (const record of records) {
    if (record.step <= end - windowSteps || record.return_mean === null || record.window_episodes === 0) continue;
    sum += record.return_mean * record.window_episodes;
    episodes += record.window_episodes;
  }
  return { mean: episodes > 0 ? sum / episodes : null, episodes };
}

interface SavedConfig {
  envId?: string;
  algo?: string;
  seed?: number;
  config?: { learningRate?: number; annealLr?: boolean; gamma?: number };
  network?: { torso?: { kind?: string; hidden?: number[]; activation?: string }; sharedTorso?: boolean };
}

function describeSettings(saved: SavedConfig): string {
  const parts: string[] = [];
  const torso = saved.network?.torso;
  if (torso?.kind === 'mlp') parts.push(`${torso.hidden?.join('-')} ${torso.activation} MLP${saved.network?.sharedTorso ? ', shared' : 's'}`);
  else if (torso?.kind) parts.push(`${torso.kind} CNN`);
  const config = saved.config;
  if (config?.learningRate !== undefined) parts.push(`lr ${config.learningRate}${config.annealLr ? ' annealed' : ''}`);
  if (config?.gamma !== undefined) parts.push(`γ ${config.gamma}`);
  return parts.join(', ');
}

/** A run directory's summary, from its metrics.jsonl and config.json. */
export function summarizeRun(runDir: string, windowSteps: number): RunSummary {
  const { records, unreadable } = readRunMetrics(runDir);
  const last = records.at(-1);
  if (!last) throw new InputError(`${join(runDir, METRICS_JSONL)} has no records yet`);
  let saved: SavedConfig = {};
  const configPath = join(runDir, CONFIG_FILE);
  if (existsSync(configPath)) {
    try {
      saved = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch {
      throw new InputError(`${configPath} is not valid JSON`);
    }
  }
  const window = windowReturn(records, windowSteps);
  return {
    run: basename(runDir),
    env: saved.envId ?? null,
    algo: saved.algo ?? null,
    seed: saved.seed ?? null,
    settings: describeSettings(saved),
    steps: last.step,
    time_s: last.time_s,
    steps_per_s: last.steps_per_s,
    return_last100: last.return_last100,
    window_steps: windowSteps,
    window_return: window.mean,
    window_episodes: window.episodes,
    unreadable,
  };
}
