import { describe, expect, it } from 'vitest';
import { getEnv } from '../envs/index.ts';
import { InputError } from '../src/errors.ts';
import { buildNetwork, networkConfigFor, tensorByName, tensorView, type NetworkConfig } from '../src/nn/params.ts';

const cartpoleMlp: NetworkConfig = {
  observationShape: [4],
  torso: { kind: 'mlp', hidden: [64, 64], activation: 'tanh' },
  sharedTorso: false,
  policy: { kind: 'categorical', actions: 2 },
  critic: true,
};

const minatarShared: NetworkConfig = {
  observationShape: [10, 10, 4],
  torso: { kind: 'minatar' },
  sharedTorso: true,
  policy: { kind: 'categorical', actions: 6 },
  critic: true,
};

/** name [shape] for every tensor, in layout order. */
const describeLayout = (config: NetworkConfig) => buildNetwork(config).layout.tensors.map((t) => `${t.name} [${t.shape.join(', ')}]`);

describe('parameter layout', () => {
  it("names separate MLP torsos as CleanRL's ppo.py Agent", () => {
    expect(describeLayout(cartpoleMlp)).toEqual([
      'actor.0.weight [64, 4]',
      'actor.0.bias [64]',
      'actor.2.weight [64, 64]',
      'actor.2.bias [64]',
      'actor.4.weight [2, 64]',
      'actor.4.bias [2]',
      'critic.0.weight [64, 4]',
      'critic.0.bias [64]',
      'critic.2.weight [64, 64]',
      'critic.2.bias [64]',
      'critic.4.weight [1, 64]',
      'critic.4.bias [1]',
    ]);
  });

  it("names a shared MinAtar torso as CleanRL's ppo_atari.py Agent (conv 0, dense 3, single-Linear heads)", () => {
    expect(describeLayout(minatarShared)).toEqual([
      'network.0.weight [16, 4, 3, 3]',
      'network.0.bias [16]',
      'network.3.weight [128, 1024]',
      'network.3.bias [128]',
      'actor.weight [6, 128]',
      'actor.bias [6]',
      'critic.weight [1, 128]',
      'critic.bias [1]',
    ]);
  });

  it('gives separate MinAtar torsos the head at Sequential index 5', () => {
    expect(describeLayout({ ...minatarShared, observationShape: [10, 10, 7], sharedTorso: false, policy: { kind: 'categorical', actions: 3 } })).toEqual([
      'actor.0.weight [16, 7, 3, 3]',
      'actor.0.bias [16]',
      'actor.3.weight [128, 1024]',
      'actor.3.bias [128]',
      'actor.5.weight [3, 128]',
      'actor.5.bias [3]',
      'critic.0.weight [16, 7, 3, 3]',
      'critic.0.bias [16]',
      'critic.3.weight [128, 1024]',
      'critic.3.bias [128]',
      'critic.5.weight [1, 128]',
      'critic.5.bias [1]',
    ]);
  });

  it("names a Gaussian policy as CleanRL's ppo_continuous_action.py (actor_mean, actor_logstd [1, d])", () => {
    const config: NetworkConfig = { ...cartpoleMlp, observationShape: [3], policy: { kind: 'gaussian', actionDim: 1 }, torso: { kind: 'mlp', hidden: [8], activation: 'relu' } };
    expect(describeLayout(config)).toEqual([
      'actor_mean.0.weight [8, 3]',
      'actor_mean.0.bias [8]',
      'actor_mean.2.weight [1, 8]',
      'actor_mean.2.bias [1]',
      'actor_logstd [1, 1]',
      'critic.0.weight [8, 3]',
      'critic.0.bias [8]',
      'critic.2.weight [1, 8]',
      'critic.2.bias [1]',
    ]);
    expect(describeLayout({ ...config, sharedTorso: true })).toEqual([
      'network.0.weight [8, 3]',
      'network.0.bias [8]',
      'actor_mean.weight [1, 8]',
      'actor_mean.bias [1]',
      'actor_logstd [1, 1]',
      'critic.weight [1, 8]',
      'critic.bias [1]',
    ]);
  });

  it('leaves the critic out when there is none', () => {
    const net = buildNetwork({ ...cartpoleMlp, critic: false });
    expect(net.critic).toBeNull();
    expect(net.layout.tensors.map((t) => t.name).filter((name) => name.startsWith('critic'))).toEqual([]);
  });

  it('packs the tensors back to back with row-major sizes', () => {
    for (const config of [cartpoleMlp, minatarShared]) {
      const { layout } = buildNetwork(config);
      let offset = 0;
      for (const tensor of layout.tensors) {
        expect(tensor.offset).toBe(offset);
        expect(tensor.size).toBe(tensor.shape.reduce((a, b) => a * b, 1));
        offset += tensor.size;
      }
      expect(layout.size).toBe(offset);
    }
    expect(buildNetwork(minatarShared).layout.size).toBe(16 * 4 * 9 + 16 + 1024 * 128 + 128 + 6 * 128 + 6 + 128 + 1);
  });

  it('marks roles for initialization: torso hidden, policy output, value output', () => {
    const { layout } = buildNetwork({ ...cartpoleMlp, policy: { kind: 'gaussian', actionDim: 2 } });
    expect(tensorByName(layout, 'actor_mean.0.weight').role).toBe('hidden');
    expect(tensorByName(layout, 'actor_mean.4.weight').role).toBe('policy');
    expect(tensorByName(layout, 'actor_logstd')).toMatchObject({ role: 'policy', kind: 'logstd' });
    expect(tensorByName(layout, 'critic.4.bias')).toMatchObject({ role: 'value', kind: 'bias' });
  });

  it('lists the layers in PyTorch order, with flatten after the conv ReLU', () => {
    const net = buildNetwork(minatarShared);
    expect(net.shared.map((layer) => (layer.kind === 'activation' ? layer.fn : layer.kind))).toEqual(['conv3x3', 'relu', 'flatten', 'dense', 'relu']);
    expect(net.inputSize).toBe(400);
    expect(net.policySize).toBe(6);
  });

  it('views one tensor inside the flat buffer', () => {
    const { layout } = buildNetwork(cartpoleMlp);
    const params = new Float32Array(layout.size);
    const spec = tensorByName(layout, 'critic.4.bias');
    tensorView(params, spec)[0] = 5;
    expect(params[spec.offset]).toBe(5);
    expect(() => tensorByName(layout, 'critic.6.bias')).toThrow(/no tensor 'critic.6.bias'/);
  });

  it('derives the usual network from an env spec', () => {
    expect(networkConfigFor(getEnv('classic/cartpole').spec)).toEqual(cartpoleMlp);
    expect(networkConfigFor(getEnv('minatar/breakout').spec)).toEqual(minatarShared);
    expect(networkConfigFor(getEnv('classic/pendulum').spec, { critic: false })).toMatchObject({
      observationShape: [3],
      policy: { kind: 'gaussian', actionDim: 1 },
      critic: false,
    });
  });

  it('rejects bad configs with an InputError naming the field', () => {
    const bad = (config: unknown, message: RegExp) => {
      expect(() => buildNetwork(config as NetworkConfig)).toThrow(InputError);
      expect(() => buildNetwork(config as NetworkConfig)).toThrow(message);
    };
    bad({ ...cartpoleMlp, torso: { kind: 'mlp', hidden: [64, 0], activation: 'tanh' } }, /field 'torso.hidden.1'/);
    bad({ ...cartpoleMlp, torso: { kind: 'mlp', hidden: [64], activation: 'gelu' } }, /field 'torso.activation'/);
    bad({ ...cartpoleMlp, policy: { kind: 'categorical', actions: 1 } }, /field 'policy.actions'/);
    bad({ ...cartpoleMlp, extra: 1 }, /network config: field '\(config\)'/);
    bad({ ...minatarShared, observationShape: [100, 4] }, /minatar torso needs a \[height, width, channels\] grid/);
  });
});
