import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { writeAtomically } from './checkpoint.ts';

/** One line of metrics.jsonl (and a row of metrics.csv). */
export interface MetricsRecord {
  step: number;
  iteration: number;
  /** Seconds of training since the run started, summed over its resumed parts. */
  time_s: number;
  /** Over this part of the run (since the start or the latest resume). */
  steps_per_s: number;
  /** Episodes finished since the start, and since the previous record. */
  episodes: number;
  window_episodes: number;
  /** Over the episodes finished since the previous record (null when none finished). */
  return_mean: number | null;
  return_std: number | null;
  length_mean: number | null;
  /** Over the latest (at least) 100 finished episodes. */
  return_last100: number | null;
  policy_loss: number;
  value_loss: number;
  entropy: number;
  approx_kl: number;
  clip_fraction: number;
  grad_norm: number;
  learning_rate: number;
}

export const METRICS_JSONL = 'metrics.jsonl';
export const METRICS_CSV = 'metrics.csv';

const csvRow = (record: MetricsRecord) => `${Object.values(record).map((value) => value ?? '').join(',')}\n`;
const csvHeader = (record: MetricsRecord) => `${Object.keys(record).join(',')}\n`;

/** A run directory's metrics.jsonl: its records, and how many lines are not one (a line cut short by a kill). */
export function readMetrics(dir: string): { records: MetricsRecord[]; unreadable: number } {
  const path = join(dir, METRICS_JSONL);
  const records: MetricsRecord[] = [];
  let unreadable = 0;
  for (const line of existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line);
      if (typeof record?.step === 'number') {
        records.push(record);
        continue;
      }
    } catch {
      // counted below
    }
    unreadable++;
  }
  return { records, unreadable };
}

/** The metrics of a run directory a user named (plot, summary): readMetrics, refused with one line where there are none. */
export function readRunMetrics(runDir: string): { records: MetricsRecord[]; unreadable: number } {
  if (!existsSync(join(runDir, METRICS_JSONL))) throw new InputError(`no ${METRICS_JSONL} in ${runDir}: is it a run directory written by 'wgym train'?`);
  return readMetrics(runDir);
}

/** What a resumed run found in its metrics files. */
export interface MetricsHistory {
  /** The records up to the checkpoint's step, kept in both files. */
  kept: MetricsRecord[];
  /** Records past the checkpoint (written before a crash or kill), removed: those steps are trained again. */
  dropped: number;
  /** Lines that are not a metrics record (a line cut short by a kill), removed. */
  unreadable: number;
}

/** The run directory's metrics.jsonl and metrics.csv, written a record at a time. */
export class MetricsLog {
  private constructor(
    private readonly dir: string,
    private csvHasHeader: boolean,
  ) {}

  /** Empty files for a new run. */
  static create(dir: string): MetricsLog {
    writeFileSync(join(dir, METRICS_JSONL), '');
    writeFileSync(join(dir, METRICS_CSV), '');
    return new MetricsLog(dir, false);
  }

  /**
   * The files of a run resuming from the checkpoint at `step`: records past it are removed (both
   * files are rewritten from metrics.jsonl, each through a temporary file), so that the resumed
   * records continue the curve instead of overlapping it.
   */
  static resume(dir: string, step: number): { log: MetricsLog; history: MetricsHistory } {
    const { records, unreadable } = readMetrics(dir);
    const kept = records.filter((record) => record.step <= step);
    const dropped = records.length - kept.length;
    writeAtomically(join(dir, METRICS_JSONL), kept.map((record) => `${JSON.stringify(record)}\n`).join(''));
    writeAtomically(join(dir, METRICS_CSV), kept.length > 0 ? csvHeader(kept[0]) + kept.map(csvRow).join('') : '');
    return { log: new MetricsLog(dir, kept.length > 0), history: { kept, dropped, unreadable } };
  }

  append(record: MetricsRecord): void {
    appendFileSync(join(this.dir, METRICS_JSONL), `${JSON.stringify(record)}\n`);
    appendFileSync(join(this.dir, METRICS_CSV), `${this.csvHasHeader ? '' : csvHeader(record)}${csvRow(record)}`);
    this.csvHasHeader = true;
  }
}
