import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../src/gpu/context.ts';
import type { MatmulCore } from '../src/nn/gpu/dense.ts';
import { GpuNetwork } from '../src/nn/gpu/network.ts';
import { buildNetwork, tensorView, type Network, type NetworkConfig } from '../src/nn/params.ts';
import { backward, forward, policyTerms, policyTermsBackward } from '../src/nn/reference.ts';
import { testGpu } from './helpers/gpu.ts';
import { expectClose, randomFloats, randomInts, readFloats, reportWorstErrors, runPass, withGpuErrorsChecked } from './nn_gpu_helpers.ts';

/** Random parameters, each tensor uniform in ±1/√fan-in so that activations stay of order 1. */
function randomParams(net: Network, tag: number): Float32Array<ArrayBuffer> {
  const params = new Float32Array(net.layout.size);
  net.layout.tensors.forEach((tensor, k) => {
    const fanIn = tensor.shape.length > 1 ? tensor.size / tensor.shape[0] : 1;
    params.set(randomFloats(tensor.size, tag * 100 + k, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)), tensor.offset);
  });
  return params;
}

interface Sample {
  params: Float32Array<ArrayBuffer>;
  obs: Float32Array<ArrayBuffer>;
  actions: Uint32Array<ArrayBuffer>;
  dLogProb: Float32Array<ArrayBuffer>;
  dEntropy: Float32Array<ArrayBuffer>;
  dValue: Float32Array<ArrayBuffer>;
}

function sample(net: Network, batch: number, tag: number): Sample {
  return {
    params: randomParams(net, tag),
    obs: randomFloats(batch * net.inputSize, tag + 1, -2, 2),
    actions: randomInts(batch, tag + 2, net.policySize),
    // Loss derivatives of the size a mean over the batch gives.
    dLogProb: randomFloats(batch, tag + 3, -1 / batch, 1 / batch),
    dEntropy: randomFloats(batch, tag + 4, -1 / batch, 1 / batch),
    dValue: randomFloats(batch, tag + 5, -1 / batch, 1 / batch),
  };
}

/** Uploads a sample, runs forward and backward on the GPU and reads every output back. */
async function runOnGpu(gpu: GpuContext, network: GpuNetwork, s: Sample) {
  const { device } = gpu;
  device.queue.writeBuffer(network.params, 0, s.params);
  device.queue.writeBuffer(network.obs, 0, s.obs);
  device.queue.writeBuffer(network.actions, 0, s.actions);
  device.queue.writeBuffer(network.dLogProb!, 0, s.dLogProb);
  device.queue.writeBuffer(network.dEntropy!, 0, s.dEntropy);
  if (network.dValue) device.queue.writeBuffer(network.dValue, 0, s.dValue);
  await runPass(device, (pass) => {
    network.recordForward(pass);
    network.recordBackward(pass);
  });
  const read = (buffer: GPUBuffer) => readFloats(device, buffer);
  return {
    logits: await read(network.logits),
    logProb: await read(network.logProb),
    entropy: await read(network.entropy),
    value: network.value ? await read(network.value) : null,
    grads: await read(network.grads!),
  };
}

/** The float64 reference of the same forward and backward. */
function runReference(net: Network, batch: number, s: Sample) {
  const pass = forward(net, s.params, s.obs, batch);
  const terms = policyTerms(net, s.params, pass.policy, s.actions, batch);
  const grads = new Float64Array(net.layout.size);
  const dPolicy = policyTermsBackward(net, s.params, pass.policy, s.actions, terms, Float64Array.from(s.dLogProb), Float64Array.from(s.dEntropy), grads);
  backward(net, s.params, pass, dPolicy, net.critic ? Float64Array.from(s.dValue) : null, grads);
  return { logits: pass.policy, ...terms, value: pass.value, grads };
}

function expectGradsClose(net: Network, gpuGrads: Float32Array, refGrads: Float64Array): void {
  for (const tensor of net.layout.tensors) {
    expectClose(tensorView(gpuGrads, tensor), tensorView(refGrads, tensor), `grad ${tensor.kind}`);
  }
}

interface NetworkCase {
  title: string;
  config: NetworkConfig;
  batch: number;
  rowsPerSplit?: number;
  core: MatmulCore;
}

const CASES: NetworkCase[] = [
  {
    title: "CleanRL's ppo.py network (separate 64-64 tanh torsos), batch 37",
    config: { observationShape: [4], torso: { kind: 'mlp', hidden: [64, 64], activation: 'tanh' }, sharedTorso: false, policy: { kind: 'categorical', actions: 2 }, critic: true },
    batch: 37,
    rowsPerSplit: 16,
    core: 'direct',
  },
  {
    title: 'a shared relu torso (both heads add into its gradient), 6 actions, batch 37',
    config: { observationShape: [5], torso: { kind: 'mlp', hidden: [70, 19], activation: 'relu' }, sharedTorso: true, policy: { kind: 'categorical', actions: 6 }, critic: true },
    batch: 37,
    core: 'tiled',
  },
  {
    title: 'no critic, one hidden layer, batch 300 over 5 splits',
    config: { observationShape: [3, 2], torso: { kind: 'mlp', hidden: [33], activation: 'tanh' }, sharedTorso: false, policy: { kind: 'categorical', actions: 18 }, critic: false },
    batch: 300,
    rowsPerSplit: 64,
    core: 'direct',
  },
  {
    title: 'a linear policy and value on a shared empty torso, batch 1',
    config: { observationShape: [7], torso: { kind: 'mlp', hidden: [], activation: 'tanh' }, sharedTorso: true, policy: { kind: 'categorical', actions: 3 }, critic: true },
    batch: 1,
    core: 'tiled',
  },
];

describe('policy-value network on the GPU against the float64 reference', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });
  afterAll(() => reportWorstErrors('network'));

  CASES.forEach((c, index) => {
    it(`${c.title} (${c.core} core)`, () =>
      withGpuErrorsChecked(gpu.device, async () => {
        const net = buildNetwork(c.config);
        const network = new GpuNetwork(gpu, net, { batch: c.batch, rowsPerSplit: c.rowsPerSplit, core: c.core });
        const s = sample(net, c.batch, 10 * index);
        const result = await runOnGpu(gpu, network, s);
        const ref = runReference(net, c.batch, s);
        expectClose(result.logits, ref.logits, 'logits');
        expectClose(result.logProb, ref.logProb, 'log prob');
        expectClose(result.entropy, ref.entropy, 'entropy');
        if (ref.value) expectClose(result.value!, ref.value, 'value');
        expect(result.value === null).toBe(ref.value === null);
        expectGradsClose(net, result.grads, ref.grads);
      }));
  });

  it('a forward-only network has no backward pass', () =>
    withGpuErrorsChecked(gpu.device, async () => {
      const net = buildNetwork(CASES[0].config);
      const network = new GpuNetwork(gpu, net, { batch: 5, training: false });
      expect(network.grads).toBeNull();
      await runPass(gpu.device, (pass) => {
        network.recordForward(pass);
        expect(() => network.recordBackward(pass)).toThrow(/without training/);
      });
    }));

  it('rejects the layers and policies it has no kernels for', () => {
    const minatar = buildNetwork({ observationShape: [10, 10, 4], torso: { kind: 'minatar' }, sharedTorso: true, policy: { kind: 'categorical', actions: 6 }, critic: true });
    expect(() => new GpuNetwork(gpu, minatar, { batch: 4 })).toThrow(/conv3x3/);
    const gaussian = buildNetwork({ ...CASES[0].config, policy: { kind: 'gaussian', actionDim: 1 } });
    expect(() => new GpuNetwork(gpu, gaussian, { batch: 4 })).toThrow(/Gaussian/);
  });
});
