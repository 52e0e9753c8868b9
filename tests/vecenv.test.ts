import { beforeAll, describe, expect, it } from 'vitest';
import { cartpoleParams } from '../envs/classic/cartpole/spec.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { createVecEnv, type VecEnv } from '../src/vecenv/index.ts';
import { testGpu } from './helpers/gpu.ts';

const N = 256;
const backends = ['cpu', 'gpu'] as const;

describe.each(backends)('VecEnv semantics (%s)', (backend) => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });
  const make = (options: Parameters<typeof createVecEnv>[2], id = 'classic/cartpole'): VecEnv =>
    createVecEnv(backend === 'cpu' ? 'cpu' : gpu, id, options);

  it('resets from the seed: same seed, same states; another seed, other states', async () => {
    const a = make({ numEnvs: N, seed: 3 });
    const b = make({ numEnvs: N, seed: 3 });
    const c = make({ numEnvs: N, seed: 4 });
    const [sa, sb, sc] = await Promise.all([a.readState(), b.readState(), c.readState()]);
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const v of sa) expect(Math.abs(v)).toBeLessThanOrEqual(cartpoleParams.resetBound);
    a.stepRandom(10);
    a.reset();
    expect(await a.readState()).toEqual(sb);
    a.reset(4);
    expect(await a.readState()).toEqual(sc);
    expect((await a.read()).obs).toEqual(Float32Array.from(sc));
  });

  it('truncates at the time limit and auto-resets in the same step', async () => {
    const vec = make({ numEnvs: N, seed: 1, timeLimit: 5 });
    const alternate = (k: number) => new Uint32Array(N).fill(k % 2);
    for (let k = 0; k < 4; k++) vec.step(alternate(k));
    let data = await vec.read();
    expect(data.truncated.every((flag) => flag === 0)).toBe(true);
    const before = await vec.readState();
    vec.step(alternate(4));
    data = await vec.read();
    expect(data.truncated.every((flag) => flag === 1)).toBe(true);
    expect(data.terminated.every((flag) => flag === 0)).toBe(true);
    expect(data.reward.every((r) => r === 1)).toBe(true);
    // obs is the new episode's first observation; the old one's last is in finalObs.
    for (let i = 0; i < N * 4; i++) expect(Math.abs(data.obs[i])).toBeLessThanOrEqual(cartpoleParams.resetBound);
    expect(data.finalObs).not.toEqual(data.obs);
    expect(Math.abs(data.finalObs[0] - before[0])).toBeLessThan(0.1);
    const stats = await vec.readStats();
    expect(stats).toMatchObject({ episodes: N, meanLength: 5, meanReturn: 5, stdLength: 0, invalidActions: 0 });
    // Drained: nothing ended since.
    expect((await vec.readStats()).episodes).toBe(0);
  });

  it('flags termination with the final observation beyond the threshold', async () => {
    const vec = make({ numEnvs: N, seed: 2 });
    const right = new Uint32Array(N).fill(1);
    let steps = 0;
    let data = await vec.read();
    while (!data.terminated.some((flag) => flag === 1)) {
      vec.step(right);
      steps++;
      data = await vec.read();
      expect(steps).toBeLessThan(100);
    }
    const i = data.terminated.indexOf(1);
    const final = data.finalObs.subarray(i * 4, i * 4 + 4);
    const past = Math.abs(final[0]) > cartpoleParams.xThreshold || Math.abs(final[2]) > cartpoleParams.thetaThreshold;
    expect(past).toBe(true);
    expect(data.truncated[i]).toBe(0);
    for (const v of data.obs.subarray(i * 4, i * 4 + 4)) expect(Math.abs(v)).toBeLessThanOrEqual(cartpoleParams.resetBound);
    const stats = await vec.readStats();
    expect(stats.episodes).toBe(data.terminated.reduce((a, b) => a + b, 0));
    expect(stats.meanLength).toBe(steps);
  });

  it('clamps out-of-range discrete actions to the last action and counts them', async () => {
    const clamped = make({ numEnvs: N, seed: 5 });
    const valid = make({ numEnvs: N, seed: 5 });
    clamped.step(new Uint32Array(N).fill(7));
    valid.step(new Uint32Array(N).fill(1));
    expect(await clamped.readState()).toEqual(await valid.readState());
    expect((await clamped.readStats()).invalidActions).toBe(N);
    expect((await valid.readStats()).invalidActions).toBe(0);
  });

  it('maps a NaN continuous action to 0 and counts it', async () => {
    const nan = make({ numEnvs: N, seed: 6 }, 'classic/pendulum');
    const zero = make({ numEnvs: N, seed: 6 }, 'classic/pendulum');
    nan.step(new Float32Array(N).fill(Number.NaN));
    zero.step(new Float32Array(N).fill(0));
    expect(await nan.readState()).toEqual(await zero.readState());
    expect((await nan.readStats()).invalidActions).toBe(N);
  });

  it('holds consecutive seeds side by side with seedEnvs: each block steps as a VecEnv of its own seed', async () => {
    const seedEnvs = 16;
    const id = 'minatar/breakout';
    const grid = make({ numEnvs: 3 * seedEnvs, seed: 7, seedEnvs }, id);
    const alone = [7, 8, 9].map((seed) => make({ numEnvs: seedEnvs, seed }, id));
    // Random steps draw from the action stream too, so both the env's and the action's keys count.
    for (const vec of [grid, ...alone]) vec.stepRandom(40);
    const gridState = await grid.readState();
    const stateWords = gridState.length / (3 * seedEnvs);
    const states = await Promise.all(alone.map((vec) => vec.readState()));
    states.forEach((state, s) => expect(gridState.slice(s * seedEnvs * stateWords, (s + 1) * seedEnvs * stateWords)).toEqual(state));
    // Not all one seed: the blocks differ.
    expect(states[0]).not.toEqual(states[1]);
    expect(() => make({ numEnvs: 40, seedEnvs: 16 })).toThrow(/seedEnvs must be a positive integer that divides numEnvs \(40\), got 16/);
  });

  it('checks the number of actions', () => {
    const vec = make({ numEnvs: N });
    expect(() => vec.step(new Uint32Array(N - 1))).toThrow(/expected 256 actions, got 255/);
  });
});
