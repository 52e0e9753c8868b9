import { observationSize, type EnvDefinition } from '../env.ts';
import type { ClassicEpisode } from '../fixtures/read.ts';
import type { GpuContext } from '../gpu/context.ts';
import type { RandomSource } from '../rng/source.ts';
import { createGpuVecEnv } from '../vecenv/gpu.ts';
import { FloatComparer, type ConformanceReport, type Mismatch } from './report.ts';

/** The float64 reference's tolerance (shared/specs/classic_control.md). */
export const CPU_TOLERANCE = { relative: 1e-9, absolute: 1e-12 };
/**
 * The float32 kernels' tolerance after one teacher-forced step: the recorded float64 state is
 * rounded to float32 on load, then each step does tens of float32 operations and sin/cos.
 */
export const GPU_TOLERANCE = { relative: 1e-4, absolute: 1e-5 };

/** Classic envs draw nothing while stepping; a draw during a replayed step is a bug. */
const noDraws: RandomSource = {
  uniform: () => {
    throw new Error('classic control step drew a random number');
  },
  int: () => {
    throw new Error('classic control step drew a random number');
  },
};

function recordedAction(env: EnvDefinition<any, any>, action: number | [number]): number {
  // Pendulum's original receives its action as float32.
  return Array.isArray(action) ? Math.fround(action[0]) : action;
}

function statesBefore(episode: ClassicEpisode): number[][] {
  return [episode.reset.state, ...episode.steps.slice(0, -1).map((step) => step.state)];
}

const show = (values: ArrayLike<number> | number | boolean) =>
  typeof values === 'object' ? `[${Array.from(values).join(', ')}]` : String(values);

interface StepOutcome {
  state: ArrayLike<number>;
  obs: ArrayLike<number>;
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** Checks one replayed step against the recording; returns the first differing field, if any. */
function compareStep(
  env: EnvDefinition<any, any>,
  comparer: FloatComparer,
  rewardRelative: number,
  outcome: StepOutcome,
  recorded: ClassicEpisode['steps'][number],
): { field: string; expected: string; actual: string } | undefined {
  const k = comparer.firstMismatch(outcome.state, recorded.state);
  if (k >= 0) return { field: `state.${env.spec.stateNames[k] ?? k}`, expected: show(recorded.state), actual: show(outcome.state) };
  const o = comparer.firstMismatch(outcome.obs, recorded.obs);
  if (o >= 0) return { field: `obs[${o}]`, expected: show(recorded.obs), actual: show(outcome.obs) };
  if (!comparer.close(outcome.reward, recorded.reward, rewardRelative)) {
    return { field: 'reward', expected: show(recorded.reward), actual: show(outcome.reward) };
  }
  if (outcome.terminated !== recorded.terminated) {
    return { field: 'terminated', expected: show(recorded.terminated), actual: show(outcome.terminated) };
  }
  if (outcome.truncated !== recorded.truncated) {
    return { field: 'truncated', expected: show(recorded.truncated), actual: show(outcome.truncated) };
  }
  return undefined;
}

function summarize(env: EnvDefinition<any, any>, backend: 'cpu' | 'gpu', episodes: ClassicEpisode[], mismatches: Mismatch[], comparer: FloatComparer): ConformanceReport {
  return {
    envId: env.spec.id,
    backend,
    episodes: episodes.length,
    matched: episodes.length - mismatches.length,
    mismatches,
    worstToleranceRatio: comparer.worst,
  };
}

/** Teacher-forced replay on the float64 TypeScript reference. */
export function replayClassicCpu(env: EnvDefinition<any, any>, episodes: ClassicEpisode[]): ConformanceReport {
  const comparer = new FloatComparer(CPU_TOLERANCE.relative, CPU_TOLERANCE.absolute);
  const rewardRelative = env.referenceRewardTolerance ?? CPU_TOLERANCE.relative;
  const obs = new Float32Array(observationSize(env.spec));
  const mismatches: Mismatch[] = [];
  episodes.forEach((episode, e) => {
    env.observe(env.params, env.decodeState(episode.reset.state), obs, 0);
    const resetMismatch = comparer.firstMismatch(obs, episode.reset.obs);
    if (resetMismatch >= 0) {
      mismatches.push({ episode: e, seed: episode.seed, step: -1, field: `obs[${resetMismatch}]`, expected: show(episode.reset.obs), actual: show(obs) });
      return;
    }
    const before = statesBefore(episode);
    for (let j = 0; j < episode.steps.length; j++) {
      const recorded = episode.steps[j];
      const out = env.step(env.params, env.decodeState(before[j]), recordedAction(env, recorded.action), noDraws);
      env.observe(env.params, out.state, obs, 0);
      const outcome = {
        state: env.encodeState(out.state),
        obs,
        reward: out.reward,
        terminated: out.terminated,
        truncated: j + 1 >= env.spec.timeLimit,
      };
      const diff = compareStep(env, comparer, rewardRelative, outcome, recorded);
      if (diff) {
        mismatches.push({ episode: e, seed: episode.seed, step: j, ...diff });
        return;
      }
    }
  });
  return summarize(env, 'cpu', episodes, mismatches, comparer);
}

/**
 * Teacher-forced replay on the GPU: every recorded step of the file becomes one env of a single
 * batch, loaded with the state before that step and its step count, stepped once without auto-reset.
 */
export async function replayClassicGpu(ctx: GpuContext, env: EnvDefinition<any, any>, episodes: ClassicEpisode[]): Promise<ConformanceReport> {
  const rows = episodes.flatMap((episode, e) => statesBefore(episode).map((state, j) => ({ e, j, state, recorded: episode.steps[j] })));
  const words = env.spec.stateNames.length;
  const vec = createGpuVecEnv(ctx, env, { numEnvs: rows.length, autoReset: false });
  try {
    vec.writeState(rows.flatMap((row) => row.state), rows.map((row) => row.j));
    const actions =
      env.spec.actionSpace.kind === 'discrete'
        ? Uint32Array.from(rows, (row) => recordedAction(env, row.recorded.action))
        : Float32Array.from(rows, (row) => recordedAction(env, row.recorded.action));
    vec.step(actions);
    const [data, states] = await Promise.all([vec.read(), vec.readState()]);
    const comparer = new FloatComparer(GPU_TOLERANCE.relative, GPU_TOLERANCE.absolute);
    const obsSize = observationSize(env.spec);
    const failed = new Map<number, Mismatch>();
    rows.forEach((row, r) => {
      if (failed.has(row.e)) return;
      const diff = compareStep(env, comparer, GPU_TOLERANCE.relative, {
        state: states.subarray(r * words, (r + 1) * words),
        // Without auto-reset, the observation after a final step is the final observation itself.
        obs: data.obs.subarray(r * obsSize, (r + 1) * obsSize),
        reward: data.reward[r],
        terminated: data.terminated[r] === 1,
        truncated: data.truncated[r] === 1,
      }, row.recorded);
      if (diff) failed.set(row.e, { episode: row.e, seed: episodes[row.e].seed, step: row.j, ...diff });
    });
    const mismatches = [...failed.values()].sort((a, b) => a.episode - b.episode);
    return summarize(env, 'gpu', episodes, mismatches, comparer);
  } finally {
    vec.destroy();
  }
}
