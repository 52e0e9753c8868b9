/** The outcome of replaying one fixture file on one backend. */
export interface Mismatch {
  /** Index of the episode in the file (0-based) and its recorded seed. */
  episode: number;
  seed: number;
  /** Step index within the episode (0-based); -1 for the reset. */
  step: number;
  field: string;
  expected: string;
  actual: string;
}

export interface ConformanceReport {
  envId: string;
  backend: 'cpu' | 'gpu';
  episodes: number;
  matched: number;
  /** The first mismatch of each failing episode, in file order. */
  mismatches: Mismatch[];
  /** Largest |error| / tolerance over all compared floats: how close the replay came to failing. */
  worstToleranceRatio: number;
}

export function formatReport(report: ConformanceReport): string {
  const lines = [`${report.envId} (${report.backend}): ${report.matched}/${report.episodes} episodes match`];
  const first = report.mismatches[0];
  if (first) {
    lines.push(
      `first mismatch: episode ${first.episode} (seed ${first.seed}), step ${first.step}, field ${first.field}: expected ${first.expected}, got ${first.actual}`,
    );
  }
  return lines.join('\n');
}

/** Compares floats under |a − e| ≤ max(rel·|e|, abs); tracks the worst error / tolerance ratio. */
export class FloatComparer {
  worst = 0;

  constructor(
    readonly relative: number,
    readonly absolute: number,
  ) {}

  close(actual: number, expected: number, relative = this.relative): boolean {
    const ratio = Math.abs(actual - expected) / Math.max(relative * Math.abs(expected), this.absolute);
    this.worst = Math.max(this.worst, Number.isNaN(ratio) ? Infinity : ratio);
    return ratio <= 1;
  }

  /** Index of the first element out of tolerance, or -1. */
  firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, relative = this.relative): number {
    if (actual.length !== expected.length) return 0;
    let first = -1;
    for (let k = 0; k < expected.length; k++) {
      if (!this.close(actual[k], expected[k], relative) && first < 0) first = k;
    }
    return first;
  }
}
