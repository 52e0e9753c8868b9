import { basename, join } from 'node:path';
import { InputError } from '../errors.ts';
import { readRunMetrics } from './metrics.ts';

export interface Curve {
  label: string;
  points: [number, number][];
  /** Lines of metrics.jsonl that are not a record (a line cut short by a kill), left out. */
  unreadable: number;
}

/** A run directory's learning curve: mean return over the latest 100 episodes against env steps. */
export function readCurve(runDir: string): Curve {
  const { records, unreadable } = readRunMetrics(runDir);
  const points = records.flatMap((record): [number, number][] => (typeof record.return_last100 === 'number' ? [[record.step, record.return_last100]] : []));
  return { label: basename(runDir), points, unreadable };
}

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 16, top: 36, bottom: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** About five round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${value / 1e6}M`;
  if (magnitude >= 1e3) return `${value / 1e3}k`;
  return String(value);
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG line chart of the curves, overlaid, with axes, ticks, a legend and a dashed line at `target` if given. */
export function learningCurveSvg(curves: readonly Curve[], title: string, target: number | null = null): string {
  const all = curves.flatMap((curve) => curve.points);
  if (all.length === 0) throw new InputError('nothing to plot: no finished episodes recorded in these runs yet');
  const xMax = Math.max(...all.map(([x]) => x));
  // From 0 or below, to 0 or above (returns may be all negative, as Acrobot's), with a margin at the
  // top, and room above a target for the legend.
  const yValues = [...all.map(([, y]) => y), ...(target === null ? [] : [target])];
  const yLo = Math.min(0, ...yValues);
  const span = Math.max(0, ...yValues) - yLo || 1;
  const yHi = Math.max(yLo + span * 1.05, target === null ? -Infinity : target + span * 0.25);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x / (xMax || 1)) * plotWidth;
  const sy = (y: number) => MARGIN.top + plotHeight - ((y - yLo) / (yHi - yLo)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (const y of ticks(yLo, yHi)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${sy(y) + 4}" text-anchor="end">${formatTick(y)}</text>`);
  }
  for (const x of ticks(0, xMax)) {
    parts.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 4}" stroke="black"/>`);
    parts.push(`<text x="${sx(x)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${formatTick(x)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="black"/>`);
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">env steps</text>`);
  parts.push(`<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">mean return, last 100 episodes</text>`);
  if (target !== null) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(target)}" y2="${sy(target)}" stroke="#555" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right - 4}" y="${sy(target) - 4}" text-anchor="end" fill="#555">target ${formatTick(target)}</text>`);
  }
  const color = (k: number) => COLORS[k % COLORS.length];
  curves.forEach((curve, k) => {
    const path = curve.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color(k)}" stroke-width="1.5" points="${path}"/>`);
  });
  // The legend over the curves, on a pale box sized for its longest label (at most about 7.5 px a character).
  const legendWidth = 30 + 7.5 * Math.max(...curves.map((curve) => curve.label.length));
  parts.push(`<rect x="${MARGIN.left + 4}" y="${MARGIN.top + 4}" width="${legendWidth}" height="${16 * curves.length + 6}" fill="white" fill-opacity="0.85"/>`);
  curves.forEach((curve, k) => {
    parts.push(`<rect x="${MARGIN.left + 10}" y="${MARGIN.top + 10 + 16 * k}" width="12" height="3" fill="${color(k)}"/>`);
    parts.push(`<text x="${MARGIN.left + 28}" y="${MARGIN.top + 15 + 16 * k}">${escape(curve.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
