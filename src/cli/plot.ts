import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { METRICS_JSONL } from '../train/metrics.ts';
import { learningCurveSvg, readCurve } from '../train/plot.ts';
import { finiteNumber } from './flags.ts';

export interface PlotFlags {
  out?: string;
  title?: string;
  label?: string[];
  target?: string;
  json?: boolean;
}

/** Says on stderr that lines of a run's metrics.jsonl were left out (a line cut short by a kill). */
export function noteUnreadable(run: string, unreadable: number): void {
  if (unreadable > 0) process.stderr.write(`note: left out ${unreadable} unreadable lines of ${join(run, METRICS_JSONL)}\n`);
}

/** Writes the runs' learning curves, overlaid, as one SVG (by default beside the first run's metrics). */
export function plotCommand(runs: string[], flags: PlotFlags): number {
  const labels = flags.label ?? [];
  if (labels.length > 0 && labels.length !== runs.length) throw new InputError(`--label is given once per run, in order: ${runs.length} runs, ${labels.length} labels`);
  const target = flags.target === undefined ? null : finiteNumber('--target', flags.target);
  const curves = runs.map((run, k) => ({ ...readCurve(run), ...(labels.length > 0 ? { label: labels[k] } : {}) }));
  runs.forEach((run, k) => noteUnreadable(run, curves[k].unreadable));
  const out = flags.out ?? join(runs[0], 'learning_curve.svg');
  writeFileSync(out, learningCurveSvg(curves, flags.title ?? curves.map((curve) => curve.label).join(' vs '), target));
  process.stderr.write(`wrote ${out}\n`);
  if (flags.json) console.log(JSON.stringify({ svg: out, runs: curves.map((curve) => ({ run: curve.label, points: curve.points.length, final_return: curve.points.at(-1)?.[1] ?? null })) }));
  return 0;
}
