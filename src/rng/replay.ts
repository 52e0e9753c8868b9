import type { RecordedDraw } from '../fixtures/read.ts';
import type { RandomSource } from './source.ts';

/** Where a replayed draw belongs: the fixture episode and the step (-1 for the reset). */
export interface ReplayPosition {
  episode: number;
  seed: number;
  step: number;
}

/** The game asked for a draw the recording does not have, or left recorded draws unused. */
export class ReplayError extends Error {
  override name = 'ReplayError';

  constructor(
    readonly position: ReplayPosition,
    /** Index of the offending draw within the step's recorded draws. */
    readonly drawIndex: number,
    readonly requested: string,
    readonly recorded: string,
  ) {
    const where = `episode ${position.episode} (seed ${position.seed}), ${position.step < 0 ? 'reset' : `step ${position.step}`}`;
    super(`${where}, draw ${drawIndex}: game requested ${requested}, recording has ${recorded}`);
  }
}

const describeDraw = (draw: RecordedDraw): string => (draw[0] === 'u' ? `uniform ${draw[1]}` : `int(${draw[2]}, ${draw[3]}) = ${draw[1]}`);

/**
 * Serves the draws the original consumed during one reset or step, in order, so a port's game code
 * gets exactly the original's random numbers; any difference in the sequence of draws is an error.
 */
export class ReplaySource implements RandomSource {
  private next = 0;

  constructor(
    private readonly draws: readonly RecordedDraw[],
    private readonly position: ReplayPosition,
  ) {}

  uniform(): number {
    const draw = this.take('uniform');
    if (draw[0] !== 'u') throw this.error('uniform', draw);
    return draw[1];
  }

  int(lo: number, hi: number): number {
    const requested = `int(${lo}, ${hi})`;
    const draw = this.take(requested);
    if (draw[0] !== 'i' || draw[2] !== lo || draw[3] !== hi) throw this.error(requested, draw);
    return draw[1];
  }

  /** Recorded draws not yet served. */
  get unused(): number {
    return this.draws.length - this.next;
  }

  /** Throws if the game stopped drawing before the recording did. */
  assertAllUsed(): void {
    if (this.unused > 0) {
      const rest = this.draws.slice(this.next).map(describeDraw).join(', ');
      throw new ReplayError(this.position, this.next, 'no further draw', `${this.unused} unused: ${rest}`);
    }
  }

  private take(requested: string): RecordedDraw {
    if (this.next >= this.draws.length) {
      throw new ReplayError(this.position, this.next, requested, `only ${this.draws.length} draws`);
    }
    return this.draws[this.next++];
  }

  private error(requested: string, draw: RecordedDraw): ReplayError {
    return new ReplayError(this.position, this.next - 1, requested, describeDraw(draw));
  }
}
