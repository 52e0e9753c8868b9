import { observationCells, type Cell, type MinatarState } from '../../envs/minatar/common.ts';
import { observationSize, type EnvDefinition } from '../env.ts';
import type { MinatarEpisode } from '../fixtures/read.ts';
import { ReplayError, ReplaySource } from '../rng/replay.ts';
import type { ConformanceReport, Mismatch } from './report.ts';

type FieldMismatch = Pick<Mismatch, 'field' | 'expected' | 'actual'>;

const cellKey = ([row, col, channel]: readonly number[]) => `[${row},${col},${channel}]`;

/** The difference of two cell lists as "missing [r,c,ch] ...; extra [r,c,ch] ...", or undefined if equal. */
export function describeCellDifference(expected: readonly (readonly number[])[], actual: readonly Cell[]): FieldMismatch | undefined {
  const expectedKeys = new Set(expected.map(cellKey));
  const actualKeys = new Set(actual.map(cellKey));
  const missing = [...expectedKeys].filter((key) => !actualKeys.has(key));
  const extra = [...actualKeys].filter((key) => !expectedKeys.has(key));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${missing.join(' ')}`);
  if (extra.length > 0) parts.push(`extra ${extra.join(' ')}`);
  return { field: 'obs', expected: `${expected.length} cells`, actual: parts.join('; ') };
}

/**
 * Replays one MinAtar episode on the TypeScript reference: the recorded draws are served to the game
 * in order and every step's applied action, reward, terminal flag and observation must match exactly.
 * Returns the first mismatch, or undefined.
 */
function replayEpisode(env: EnvDefinition<MinatarState, any>, episode: MinatarEpisode, index: number): Mismatch | undefined {
  const params = { ...env.params, stickyActionProb: episode.sticky_action_prob, difficultyRamping: episode.difficulty_ramping };
  const channels = env.spec.observationShape[2];
  const obs = new Float32Array(observationSize(env.spec));
  let stepIndex = -1;
  const mismatch = (found: FieldMismatch): Mismatch => ({ episode: index, seed: episode.seed, step: stepIndex, ...found });
  const compareObs = (state: MinatarState, expected: MinatarEpisode['reset']['obs']) => {
    env.observe(state, obs, 0);
    return describeCellDifference(expected, observationCells(obs, channels));
  };

  try {
    const resetDraws = new ReplaySource(episode.reset.draws, { episode: index, seed: episode.seed, step: -1 });
    let state = env.reset(params, resetDraws);
    resetDraws.assertAllUsed();
    const resetDifference = compareObs(state, episode.reset.obs);
    if (resetDifference) return mismatch(resetDifference);

    for (stepIndex = 0; stepIndex < episode.steps.length; stepIndex++) {
      const recorded = episode.steps[stepIndex];
      const draws = new ReplaySource(recorded.draws, { episode: index, seed: episode.seed, step: stepIndex });
      const out = env.step(params, state, recorded.action, draws);
      draws.assertAllUsed();
      state = out.state;
      if (state.lastAction !== recorded.applied) {
        return mismatch({ field: 'applied', expected: String(recorded.applied), actual: String(state.lastAction) });
      }
      if (out.reward !== recorded.reward) return mismatch({ field: 'reward', expected: String(recorded.reward), actual: String(out.reward) });
      if (out.terminated !== recorded.terminal) {
        return mismatch({ field: 'terminal', expected: String(recorded.terminal), actual: String(out.terminated) });
      }
      const obsDifference = compareObs(state, recorded.obs);
      if (obsDifference) return mismatch(obsDifference);
    }
  } catch (error) {
    if (error instanceof ReplayError) return mismatch({ field: 'draws', expected: 'the recorded draws', actual: error.message });
    throw error;
  }
  return undefined;
}

/**
 * Replays every episode of a MinAtar fixture on the CPU reference. Episodes marked
 * truncated_by_recorder simply end after their last recorded step.
 */
export function replayMinatarCpu(env: EnvDefinition<MinatarState, any>, episodes: MinatarEpisode[]): ConformanceReport {
  const mismatches = episodes.flatMap((episode, index) => replayEpisode(env, episode, index) ?? []);
  return {
    envId: env.spec.id,
    backend: 'cpu',
    episodes: episodes.length,
    matched: episodes.length - mismatches.length,
    mismatches,
    // Everything is compared exactly.
    worstToleranceRatio: 0,
  };
}
