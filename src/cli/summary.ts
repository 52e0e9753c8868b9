import { positiveInt } from './flags.ts';
import { noteUnreadable } from './plot.ts';
import { summarizeRun } from '../train/summary.ts';

export interface SummaryFlags {
  window: string;
  json?: boolean;
}

const steps = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(2));

/** Prints each run's return over the last window of steps (the learning targets' measure), with its time and speed. */
export function summaryCommand(runs: string[], flags: SummaryFlags): number {
  const windowSteps = positiveInt('--window', flags.window);
  const summaries = runs.map((run) => summarizeRun(run, windowSteps));
  runs.forEach((run, k) => noteUnreadable(run, summaries[k].unreadable));
  if (flags.json) {
    console.log(JSON.stringify(summaries));
    return 0;
  }
  const header = ['run', 'env', 'algo', 'seed', 'steps', `return, last ${steps(windowSteps)} steps (episodes)`, 'last 100', 'time', 'steps/s', 'settings'];
  const rows = summaries.map((s) => [
    s.run,
    s.env ?? '?',
    s.algo ?? '?',
    String(s.seed ?? '?'),
    steps(s.steps),
    `${fixed(s.window_return)} (${s.window_episodes})`,
    fixed(s.return_last100),
    `${(s.time_s / 60).toFixed(1)} min`,
    s.steps_per_s.toFixed(0),
    s.settings,
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
  return 0;
}
