import { describe, expect, it } from 'vitest';
import { EpisodeShares } from '../src/train/evaluate.ts';

/** Two envs' running sums as GpuVecEnv.readEpisodeSums gives them. */
const sums = (episodes: number[], returns: number[], lengths: number[]) => ({
  episodes,
  returnSum: returns,
  lengthSum: lengths,
  returnSqSum: returns.map((r, i) => (episodes[i] === 0 ? 0 : r * r)),
});

describe('EpisodeShares: the episodes an evaluation counts', () => {
  it("takes each env's first share of episodes, not the first to finish across envs", () => {
    const shares = new EpisodeShares(2, 1);
    shares.read(sums([0, 0], [0, 0], [0, 0]));
    // Env 0's short episodes end first; only its first counts, and the run waits for env 1.
    shares.read(sums([1, 0], [10, 0], [20, 0]));
    expect(shares.complete).toBe(false);
    shares.read(sums([2, 0], [13, 0], [26, 0]));
    expect(shares.episodes).toBe(1);
    shares.read(sums([3, 1], [16, 50], [32, 400]));
    expect(shares.complete).toBe(true);
    expect(shares.episodes).toBe(2);
    expect(shares.returnSum).toBe(60);
    expect(shares.lengthSum).toBe(420);
    expect(shares.returnSquares).toBe(100 + 2500);
  });

  it('counts every episode that ends in the read completing a share', () => {
    const shares = new EpisodeShares(1, 2);
    shares.read(sums([0], [0], [0]));
    shares.read(sums([1], [5], [9]));
    shares.read(sums([3], [12], [20]));
    expect(shares.complete).toBe(true);
    expect(shares.episodes).toBe(3);
    expect(shares.returnSum).toBe(12);
  });
});
