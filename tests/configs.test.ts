import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig, trainingSetup } from '../src/algos/index.ts';

const readConfig = (name: string) => JSON.parse(readFileSync(new URL(`../assets/configs/${name}`, import.meta.url), 'utf8'));

describe('configs shipped in assets/configs', () => {
  it('minatar_cnn.json gives every algorithm the MinAtar CNN on every MinAtar game', () => {
    const overrides = readConfig('minatar_cnn.json');
    for (const algo of ['ppo', 'a2c', 'reinforce'] as const) {
      for (const game of ['asterix', 'breakout', 'freeway', 'seaquest', 'space_invaders']) {
        const config = resolveConfig(algo, `minatar/${game}`, overrides);
        expect(config.network).toEqual({ torso: 'minatar', hidden: [128], activation: 'relu', sharedTorso: true });
        const { network } = trainingSetup(algo, `minatar/${game}`, config);
        expect(network.torso.kind).toBe('minatar');
      }
    }
  });

  it("ppo_minatar_gymnax.json sets gymnax-blines' learning rate and discount over the MinAtar PPO preset, and nothing else", () => {
    const overrides = readConfig('ppo_minatar_gymnax.json');
    const preset = resolveConfig('ppo', 'minatar/asterix', {});
    const config = resolveConfig('ppo', 'minatar/asterix', overrides);
    expect(config).toEqual({ ...preset, learningRate: 5e-4, annealLr: false, gamma: 0.999 });
    expect(preset.learningRate).toBe(5e-3);
  });

  it("ppo_minatar_gymnax_256.json is gymnax-blines' whole MinAtar setup: those settings with its 256-256 ReLU MLPs", () => {
    const config = resolveConfig('ppo', 'minatar/seaquest', readConfig('ppo_minatar_gymnax_256.json'));
    expect(config).toEqual({ ...resolveConfig('ppo', 'minatar/seaquest', readConfig('ppo_minatar_gymnax.json')), network: { torso: 'mlp', hidden: [256, 256], activation: 'relu', sharedTorso: false } });
    const { network } = trainingSetup('ppo', 'minatar/seaquest', config);
    expect(network.torso).toEqual({ kind: 'mlp', hidden: [256, 256], activation: 'relu' });
  });
});
