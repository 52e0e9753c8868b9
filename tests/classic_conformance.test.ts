import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '../envs/index.ts';
import { replayClassicCpu, replayClassicGpu } from '../src/conformance/classic.ts';
import { formatReport } from '../src/conformance/report.ts';
import { parseFixture, type ClassicEpisode } from '../src/fixtures/read.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { fixturePath } from './helpers/fixtures.ts';
import { testGpu } from './helpers/gpu.ts';

const CLASSIC = ['classic/cartpole', 'classic/acrobot', 'classic/mountain_car', 'classic/pendulum'];

function load(id: string) {
  const { envId, episodes } = parseFixture(readFileSync(fixturePath(id), 'utf8'), id);
  return { env: getEnv(envId), episodes: episodes as ClassicEpisode[] };
}

describe.each(CLASSIC)('%s against the Gymnasium recordings', (id) => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('the float64 reference replays every episode (teacher-forced)', () => {
    const { env, episodes } = load(id);
    const report = replayClassicCpu(env, episodes);
    expect(report.episodes).toBe(episodes.length);
    expect(report.matched, formatReport(report)).toBe(report.episodes);
  });

  it('the WGSL kernel replays every step of the file in one batch (teacher-forced)', async () => {
    const { env, episodes } = load(id);
    const report = await replayClassicGpu(gpu, env, episodes);
    expect(report.matched, formatReport(report)).toBe(report.episodes);
  });

  it('reports the step and field of a tampered recording on both backends', async () => {
    const { env, episodes } = load(id);
    const tampered = structuredClone(episodes.slice(0, 3));
    tampered[1].steps[4].state[0] += 0.01;
    for (const report of [replayClassicCpu(env, tampered), await replayClassicGpu(gpu, env, tampered)]) {
      expect(report.matched).toBe(2);
      expect(report.mismatches[0]).toMatchObject({ episode: 1, step: 4, field: `state.${env.spec.stateNames[0]}` });
    }
  });
});
