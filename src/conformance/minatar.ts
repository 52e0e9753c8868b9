import { observationCells, type Cell, type MinatarState } from '../../envs/minatar/common.ts';
import { observationSize, type EnvDefinition } from '../env.ts';
import type { MinatarEpisode } from '../fixtures/read.ts';
import { InputError } from '../errors.ts';
import type { GpuContext } from '../gpu/context.ts';
import { ReplayError, ReplaySource } from '../rng/replay.ts';
import { createGpuVecEnv } from '../vecenv/gpu.ts';
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

interface StepOutcome {
  applied: number;
  reward: number;
  terminal: boolean;
  cells: Cell[];
}

/** The first field of a replayed step that differs from the recording. */
function compareStep(recorded: MinatarEpisode['steps'][number], outcome: StepOutcome): FieldMismatch | undefined {
  if (outcome.applied !== recorded.applied) return { field: 'applied', expected: String(recorded.applied), actual: String(outcome.applied) };
  if (outcome.reward !== recorded.reward) return { field: 'reward', expected: String(recorded.reward), actual: String(outcome.reward) };
  if (outcome.terminal !== recorded.terminal) return { field: 'terminal', expected: String(recorded.terminal), actual: String(outcome.terminal) };
  return describeCellDifference(recorded.obs, outcome.cells);
}

/** The params a fixture file was recorded with (the same for all its episodes). */
function recordedParams(env: EnvDefinition<MinatarState, any>, episodes: MinatarEpisode[]) {
  const [first] = episodes;
  const differs = episodes.find((e) => e.sticky_action_prob !== first.sticky_action_prob || e.difficulty_ramping !== first.difficulty_ramping);
  if (differs) throw new InputError(`${env.spec.id}: episodes of one file must share sticky_action_prob and difficulty_ramping (seed ${differs.seed} differs)`);
  return { ...env.params, stickyActionProb: first.sticky_action_prob, difficultyRamping: first.difficulty_ramping };
}

/**
 * Replays one MinAtar episode on the TypeScript reference: the recorded draws are served to the game
 * in order and every step's applied action, reward, terminal flag and observation must match exactly.
 * Returns the first mismatch, or undefined.
 */
function replayEpisode(env: EnvDefinition<MinatarState, any>, params: Record<string, unknown>, episode: MinatarEpisode, index: number): Mismatch | undefined {
  const channels = env.spec.observationShape[2];
  const obs = new Float32Array(observationSize(env.spec));
  let stepIndex = -1;
  const mismatch = (found: FieldMismatch): Mismatch => ({ episode: index, seed: episode.seed, step: stepIndex, ...found });
  const compareObs = (state: MinatarState, expected: MinatarEpisode['reset']['obs']) => {
    env.observe(params, state, obs, 0);
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
      env.observe(params, state, obs, 0);
      const difference = compareStep(recorded, { applied: state.lastAction, reward: out.reward, terminal: out.terminated, cells: observationCells(obs, channels) });
      if (difference) return mismatch(difference);
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
  const params = recordedParams(env, episodes);
  const mismatches = episodes.flatMap((episode, index) => replayEpisode(env, params, episode, index) ?? []);
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

/**
 * Replays every episode of a MinAtar fixture on the GPU kernel, all episodes as one batch: each
 * env is served its episode's recorded draws (shaders/rng_replay.wgsl) and recorded actions, and
 * every step's applied action, reward, terminal flag, observation and draw count is checked.
 */
export async function replayMinatarGpu(ctx: GpuContext, env: EnvDefinition<MinatarState, any>, episodes: MinatarEpisode[]): Promise<ConformanceReport> {
  const params = recordedParams(env, episodes);
  const channels = env.spec.observationShape[2];
  const cellsPerEnv = observationSize(env.spec);
  const lastActionWord = env.spec.stateNames.indexOf('last_action');
  const stateWords = env.spec.stateNames.length;
  const draws = episodes.map((e) => [...e.reset.draws, ...e.steps.flatMap((step) => step.draws)]);
  const vec = createGpuVecEnv(ctx, env, { numEnvs: episodes.length, autoReset: false, timeLimit: 0, params }, draws);
  const failed = new Map<number, Mismatch>();
  const drawsServed = episodes.map((e) => e.reset.draws.length);
  const check = async (step: number) => {
    const [data, states, replay] = await Promise.all([vec.read(), vec.readStateWords(), vec.readReplayStatus()]);
    episodes.forEach((episode, e) => {
      if (failed.has(e) || step >= episode.steps.length) return;
      const fail = (found: FieldMismatch) => failed.set(e, { episode: e, seed: episode.seed, step, ...found });
      const status = replay[e];
      if (status.error) return fail({ field: 'draws', expected: 'the recorded draws', actual: status.error });
      if (step >= 0) drawsServed[e] += episode.steps[step].draws.length;
      if (status.cursor !== drawsServed[e]) {
        return fail({ field: 'draws', expected: `${drawsServed[e]} draws used`, actual: `${status.cursor} used` });
      }
      const cells = observationCells(data.obs, channels, e * cellsPerEnv);
      if (step < 0) {
        const difference = describeCellDifference(episode.reset.obs, cells);
        return difference && fail(difference);
      }
      const difference = compareStep(episode.steps[step], {
        applied: states[e * stateWords + lastActionWord],
        reward: data.reward[e],
        terminal: data.terminated[e] === 1,
        cells,
      });
      if (difference) fail(difference);
    });
  };
  try {
    await check(-1);
    const longest = Math.max(...episodes.map((e) => e.steps.length));
    for (let step = 0; step < longest && failed.size < episodes.length; step++) {
      vec.step(Uint32Array.from(episodes, (e) => e.steps[step]?.action ?? 0));
      await check(step);
    }
  } finally {
    vec.destroy();
  }
  const mismatches = [...failed.values()].sort((a, b) => a.episode - b.episode);
  return { envId: env.spec.id, backend: 'gpu', episodes: episodes.length, matched: episodes.length - mismatches.length, mismatches, worstToleranceRatio: 0 };
}
