import { describe, expect, it } from 'vitest';
import { learningCurveSvg, type Curve } from '../src/train/plot.ts';

/** The y coordinates of every polyline point and of the dashed target line. */
function drawnYs(svg: string): { points: number[]; target: number | null } {
  const points = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].flatMap((m) => m[1].split(' ').map((xy) => Number(xy.split(',')[1])));
  const line = svg.match(/<line[^>]*y1="([^"]*)"[^>]*stroke-dasharray/);
  return { points, target: line ? Number(line[1]) : null };
}

// The plot area of learningCurveSvg: 420 px high, margins 36 at the top and 48 at the bottom.
const TOP = 36;
const BOTTOM = 420 - 48;

const curve = (label: string, ys: number[]): Curve => ({ label, points: ys.map((y, k) => [1000 * (k + 1), y]), unreadable: 0 });

describe('learning-curve SVG', () => {
  it('keeps all-negative returns (Acrobot, Pendulum) inside the plot, the best at the top', () => {
    const svg = learningCurveSvg([curve('acrobot', [-500, -300, -120, -80])], 'negative');
    const { points } = drawnYs(svg);
    for (const y of points) {
      expect(y).toBeGreaterThanOrEqual(TOP);
      expect(y).toBeLessThanOrEqual(BOTTOM);
    }
    expect(Math.min(...points)).toBe(points.at(-1));
    expect(points[0]).toBeCloseTo(BOTTOM, 0);
  });

  it('draws a target above the curves below the legend, and one below them where it is', () => {
    const above = drawnYs(learningCurveSvg([curve('a', [1, 5, 9]), curve('b', [0, 2, 4])], 'above', 15));
    expect(above.target).not.toBeNull();
    // Higher than every point, and below the legend's two rows (16 px each, from TOP + 4).
    expect(above.target!).toBeLessThan(Math.min(...above.points));
    expect(above.target!).toBeGreaterThan(TOP + 4 + 16 * 2 + 6);
    const below = drawnYs(learningCurveSvg([curve('a', [10, 50, 90])], 'below', 20));
    expect(below.target!).toBeGreaterThan(below.points.at(-1)!);
    expect(below.target!).toBeLessThan(below.points[0]);
    // With no target the top point sits just under the top edge, as before.
    const plain = drawnYs(learningCurveSvg([curve('a', [10, 50, 90])], 'plain'));
    expect(plain.target).toBeNull();
    expect(Math.min(...plain.points)).toBeCloseTo(TOP + (BOTTOM - TOP) * (1 - 1 / 1.05), 0);
  });
});
