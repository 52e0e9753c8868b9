import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLOURS = ['#4696ff', '#ff8c3a', '#5fd08a', '#e45c8c', '#c0a0ff', '#ffd24a', '#60d0e0', '#b0b0b0'];

interface Curve {
  label: string;
  steps: number[];
  returns: number[];
}

/**
 * Mean episodic return against env steps, one series per run: a new run adds a curve and the
 * earlier ones stay, so algorithms can be compared side by side.
 */
export class LearningCurve {
  private readonly curves: Curve[] = [];
  private plot?: uPlot;
  private dirty = false;

  constructor(private readonly element: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(element);
    setInterval(() => this.flush(), 500);
  }

  startRun(label: string): void {
    this.curves.push({ label, steps: [], returns: [] });
    this.rebuild();
  }

  add(steps: number, meanReturn: number): void {
    const curve = this.curves.at(-1);
    if (!curve || !Number.isFinite(meanReturn)) return;
    curve.steps.push(steps);
    curve.returns.push(meanReturn);
    this.dirty = true;
  }

  get runs(): number {
    return this.curves.length;
  }

  private size() {
    return { width: Math.max(320, this.element.clientWidth), height: 260 };
  }

  private data(): uPlot.AlignedData {
    if (this.curves.length === 0) return [[]];
    return uPlot.join(this.curves.map((curve) => [curve.steps, curve.returns] as uPlot.AlignedData));
  }

  private rebuild(): void {
    this.plot?.destroy();
    const series: uPlot.Series[] = [
      { label: 'env steps' },
      ...this.curves.map((curve, i) => ({ label: curve.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { show: false } })),
    ];
    this.plot = new uPlot(
      {
        ...this.size(),
        series,
        scales: { x: { time: false } },
        axes: [
          { stroke: '#aab', grid: { stroke: '#2a2d3a' }, label: 'env steps' },
          { stroke: '#aab', grid: { stroke: '#2a2d3a' }, label: 'mean return' },
        ],
        legend: { show: true },
      },
      this.data(),
      this.element,
    );
    this.dirty = false;
  }

  private flush(): void {
    if (!this.dirty || !this.plot) return;
    this.dirty = false;
    this.plot.setData(this.data());
  }
}
