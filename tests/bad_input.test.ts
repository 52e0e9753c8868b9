import { beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '../envs/index.ts';
import { InputError } from '../src/errors.ts';
import { FixtureError, parseFixture } from '../src/fixtures/read.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { MAX_CPU_ENVS } from '../src/vecenv/cpu.ts';
import { maxGpuEnvs } from '../src/vecenv/gpu.ts';
import { createVecEnv } from '../src/vecenv/index.ts';
import { testGpu } from './helpers/gpu.ts';

describe('bad input', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('an unknown env id lists the valid ones', () => {
    expect(() => createVecEnv('cpu', 'classic/cartpol', { numEnvs: 4 })).toThrow(
      /unknown env id 'classic\/cartpol'; valid ids: classic\/cartpole, classic\/acrobot, classic\/mountain_car, classic\/pendulum/,
    );
  });

  it.each([0, -3, 1.5, Number.NaN])('numEnvs %s is rejected on both backends', (numEnvs) => {
    for (const ctx of ['cpu', gpu] as const) {
      expect(() => createVecEnv(ctx, 'classic/cartpole', { numEnvs })).toThrow(/numEnvs must be a positive integer/);
    }
  });

  it('numEnvs beyond the device limits names the limit', () => {
    const limit = maxGpuEnvs(gpu.device, getEnv('classic/cartpole'));
    expect(limit).toBe(gpu.device.limits.maxComputeWorkgroupsPerDimension * 64);
    expect(() => createVecEnv(gpu, 'classic/cartpole', { numEnvs: limit + 1 })).toThrow(
      new RegExp(`numEnvs ${limit + 1} is more than this backend allows \\(${limit}\\)`),
    );
    expect(() => createVecEnv('cpu', 'classic/cartpole', { numEnvs: MAX_CPU_ENVS + 1 })).toThrow(InputError);
  });

  it('rejects bad seeds, time limits and unknown params', () => {
    expect(() => createVecEnv('cpu', 'classic/cartpole', { numEnvs: 1, seed: -1 })).toThrow(/seed must be an integer in \[0, 2\^32\)/);
    expect(() => createVecEnv('cpu', 'classic/cartpole', { numEnvs: 1, timeLimit: 2.5 })).toThrow(/timeLimit must be a non-negative integer/);
    expect(() => createVecEnv('cpu', 'classic/cartpole', { numEnvs: 1, params: { gravty: 1 } })).toThrow(/has no param 'gravty'/);
    expect(() => createVecEnv('cpu', 'classic/cartpole', { numEnvs: 1, params: { gravity: 'high' } })).toThrow(/param 'gravity' .* must be a number/);
  });

  it('MinAtar options are checked: unknown game, probabilities outside [0, 1], wrong types', () => {
    expect(() => createVecEnv('cpu', 'minatar/pong', { numEnvs: 1 })).toThrow(/unknown env id 'minatar\/pong'; valid ids: .*minatar\/breakout/);
    for (const stickyActionProb of [-0.1, 1.5, Number.NaN]) {
      expect(() => createVecEnv('cpu', 'minatar/breakout', { numEnvs: 1, params: { stickyActionProb } })).toThrow(
        /stickyActionProb must be a probability in \[0, 1\]/,
      );
    }
    expect(() => createVecEnv('cpu', 'minatar/seaquest', { numEnvs: 1, params: { difficultyRamping: 'yes' } })).toThrow(
      /param 'difficultyRamping' of minatar\/seaquest must be a boolean/,
    );
    expect(createVecEnv('cpu', 'minatar/freeway', { numEnvs: 2, params: { stickyActionProb: 0, difficultyRamping: false } }).numEnvs).toBe(2);
  });

  describe('malformed fixture lines name the line and the field', () => {
    const good = JSON.stringify({
      env: 'classic/cartpole',
      seed: 0,
      reset: { state: [0, 0, 0, 0], obs: [0, 0, 0, 0] },
      steps: [{ action: 1, reward: 1, terminated: false, truncated: false, obs: [0, 0, 0, 0], state: [0, 0, 0, 0] }],
    });
    it('accepts a well-formed line', () => {
      expect(parseFixture(good, 'f.jsonl').episodes).toHaveLength(1);
    });
    it.each([
      ['{"env": "classic/cartpole", ', /f\.jsonl line 2: not valid JSON/],
      [good.replace('"reward":1', '"reward":"one"'), /f\.jsonl line 2: field 'steps\.0\.reward'/],
      [good.replace('"seed":0,', ''), /f\.jsonl line 2: field 'seed'/],
      [good.replace('classic/cartpole', 'classic/acrobot'), /f\.jsonl line 2: field 'env' is 'classic\/acrobot', but earlier lines are 'classic\/cartpole'/],
      ['[1, 2]', /f\.jsonl line 2: field 'env': missing/],
    ])('%#', (second, message) => {
      expect(() => parseFixture(`${good}\n${second}\n`, 'f.jsonl')).toThrow(FixtureError);
      expect(() => parseFixture(`${good}\n${second}\n`, 'f.jsonl')).toThrow(message);
    });
    it('an empty file has no episodes', () => {
      expect(() => parseFixture('\n', 'empty.jsonl')).toThrow(/empty\.jsonl: no episodes/);
    });
  });
});
