import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { asterix, asterixStateLayout } from '../envs/minatar/asterix/spec.ts';
import { breakout, breakoutStateLayout } from '../envs/minatar/breakout/spec.ts';
import { ACTION_COUNT, wordsOutOfRange, type StateWord } from '../envs/minatar/common.ts';
import { freeway, freewayStateLayout } from '../envs/minatar/freeway/spec.ts';
import { seaquest, seaquestStateLayout } from '../envs/minatar/seaquest/spec.ts';
import { spaceInvaders, spaceInvadersStateLayout } from '../envs/minatar/space_invaders/spec.ts';
import type { EnvDefinition } from '../src/env.ts';
import { describeCellDifference, replayMinatarCpu } from '../src/conformance/minatar.ts';
import { formatReport } from '../src/conformance/report.ts';
import { readFixture, type MinatarEpisode } from '../src/fixtures/read.ts';
import { ReplayError, ReplaySource } from '../src/rng/replay.ts';
import { CounterRng, Stream } from '../src/rng/source.ts';

const GAMES: { name: string; env: EnvDefinition<any, any>; layout: readonly StateWord[] }[] = [
  { name: 'asterix', env: asterix, layout: asterixStateLayout },
  { name: 'breakout', env: breakout, layout: breakoutStateLayout },
  { name: 'freeway', env: freeway, layout: freewayStateLayout },
  { name: 'seaquest', env: seaquest, layout: seaquestStateLayout },
  { name: 'space_invaders', env: spaceInvaders, layout: spaceInvadersStateLayout },
];

const fixturePath = (name: string) => new URL(`../../shared/fixtures/minatar/${name}.jsonl`, import.meta.url).pathname;
const parsed = new Map<string, MinatarEpisode[]>();
function episodesOf(name: string): MinatarEpisode[] {
  if (!parsed.has(name)) parsed.set(name, readFixture(fixturePath(name)).episodes as MinatarEpisode[]);
  return parsed.get(name)!;
}

/**
 * Why a state does not fit its layout: words that are not integers within their declared range,
 * or an encoding that does not decode back to the same state. Empty when it fits.
 */
function layoutProblems(env: EnvDefinition<any, any>, layout: readonly StateWord[], state: unknown): string[] {
  const words = env.encodeState(state);
  const problems = wordsOutOfRange(layout, words);
  if (!isDeepStrictEqual(env.decodeState(words), state)) problems.push('decodeState(encodeState(state)) differs from the state');
  return problems;
}

describe('MinAtar references replay the original recordings', () => {
  for (const { name, env } of GAMES) {
    it(`${name}: every episode matches`, () => {
      const episodes = episodesOf(name);
      const report = replayMinatarCpu(env, episodes);
      expect(report.matched, formatReport(report)).toBe(episodes.length);
    });
  }

  for (const { name, env, layout } of GAMES) {
    it(`${name}: every recorded state fits the fixed-size state layout`, () => {
      expect(layout.map((w) => w.name)).toEqual(env.spec.stateNames);
      const problems: string[] = [];
      episodesOf(name).forEach((episode, e) => {
        const at = (step: number) => ({ episode: e, seed: episode.seed, step });
        let state = env.reset(env.params, new ReplaySource(episode.reset.draws, at(-1)));
        problems.push(...layoutProblems(env, layout, state).map((problem) => `episode ${e} reset: ${problem}`));
        episode.steps.forEach((recorded, j) => {
          state = env.step(env.params, state, recorded.action, new ReplaySource(recorded.draws, at(j))).state;
          problems.push(...layoutProblems(env, layout, state).map((problem) => `episode ${e} step ${j}: ${problem}`));
        });
      });
      expect(problems.slice(0, 10)).toEqual([]);
    });
  }

  it('reports the first differing field of a tampered recording', () => {
    const original = episodesOf('breakout')[0];
    const wrongReward = structuredClone(original);
    wrongReward.steps[3].reward = 5;
    expect(replayMinatarCpu(breakout, [wrongReward]).mismatches).toEqual([
      { episode: 0, seed: original.seed, step: 3, field: 'reward', expected: '5', actual: '0' },
    ]);
    const wrongObs = structuredClone(original);
    wrongObs.steps[4].obs.push([0, 0, 0]);
    const [mismatch] = replayMinatarCpu(breakout, [wrongObs]).mismatches;
    expect(mismatch).toMatchObject({ step: 4, field: 'obs', actual: 'missing [0,0,0]' });
  });

  it('lists the missing and extra cells of an observation', () => {
    const difference = describeCellDifference([[3, 4, 1], [9, 4, 0]], [[3, 5, 1], [9, 4, 0]]);
    expect(difference?.actual).toBe('missing [3,4,1]; extra [3,5,1]');
    expect(describeCellDifference([[1, 2, 3]], [[1, 2, 3]])).toBeUndefined();
  });
});

describe('ReplaySource', () => {
  const at = { episode: 2, seed: 7, step: 11 };

  it('serves the recorded draws in order', () => {
    const replay = new ReplaySource([['u', 0.25], ['i', 3, 1, 9]], at);
    expect(replay.uniform()).toBe(0.25);
    expect(replay.int(1, 9)).toBe(3);
    expect(replay.unused).toBe(0);
    expect(() => replay.assertAllUsed()).not.toThrow();
  });

  it('rejects a draw of the wrong kind', () => {
    const replay = new ReplaySource([['u', 0.25]], at);
    expect(() => replay.int(0, 2)).toThrow(ReplayError);
    expect(() => new ReplaySource([['u', 0.25]], at).int(0, 2)).toThrow(
      'episode 2 (seed 7), step 11, draw 0: game requested int(0, 2), recording has uniform 0.25',
    );
    expect(() => new ReplaySource([['i', 1, 0, 2]], at).uniform()).toThrow('game requested uniform, recording has int(0, 2) = 1');
  });

  it('rejects an integer draw with different bounds', () => {
    const replay = new ReplaySource([['u', 0.5], ['i', 4, 0, 5]], { ...at, step: -1 });
    replay.uniform();
    expect(() => replay.int(0, 6)).toThrow('episode 2 (seed 7), reset, draw 1: game requested int(0, 6), recording has int(0, 5) = 4');
  });

  it('rejects a draw beyond the recording', () => {
    const replay = new ReplaySource([['u', 0.5]], at);
    replay.uniform();
    expect(() => replay.uniform()).toThrow('draw 1: game requested uniform, recording has only 1 draws');
  });

  it('reports recorded draws the game left unused', () => {
    const replay = new ReplaySource([['u', 0.5], ['i', 2, 1, 9], ['u', 0.75]], at);
    replay.uniform();
    expect(replay.unused).toBe(2);
    expect(() => replay.assertAllUsed()).toThrow('draw 1: game requested no further draw, recording has 2 unused: int(1, 9) = 2, uniform 0.75');
  });

  it('turns a wrong draw into a draws mismatch of the conformance report', () => {
    const episode = structuredClone(episodesOf('breakout')[0]);
    episode.steps[2].draws.push(['u', 0.5]);
    const [mismatch] = replayMinatarCpu(breakout, [episode]).mismatches;
    expect(mismatch).toMatchObject({ step: 2, field: 'draws' });
    expect(mismatch.actual).toContain('1 unused');
  });
});

describe('MinAtar references on the counter-based generator', () => {
  const STEPS = 3000;

  for (const { name, env, layout } of GAMES) {
    it(`${name}: ${STEPS} random steps with auto-reset stay in the state layout and leave the input state untouched`, () => {
      const seed = 12345;
      const envIndex = 3;
      let state = env.reset(env.params, new CounterRng(seed, Stream.env, envIndex, 0));
      for (let t = 1; t <= STEPS; t++) {
        const action = new CounterRng(seed, Stream.action, envIndex, t).int(0, ACTION_COUNT);
        const rng = new CounterRng(seed, Stream.env, envIndex, t);
        const before = env.encodeState(state);
        const out = env.step(env.params, state, action, rng);
        expect(env.encodeState(state), `step ${t} changed its input`).toEqual(before);
        expect(layoutProblems(env, layout, out.state), `step ${t}`).toEqual([]);
        if (out.terminated) {
          state = env.reset(env.params, rng);
          expect(state.lastAction).toBe(0);
        } else {
          state = out.state;
        }
      }
    });
  }
});
