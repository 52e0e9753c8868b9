import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../src/gpu/context.ts';
import { GpuAdam } from '../src/nn/gpu/adam.ts';
import { matmulCoreFor } from '../src/nn/gpu/dense.ts';
import { GpuNetwork } from '../src/nn/gpu/network.ts';
import { buildNetwork, tensorView, type NetworkConfig } from '../src/nn/params.ts';
import { backward, forward, policyTerms, policyTermsBackward } from '../src/nn/reference.ts';
import { testGpu } from './helpers/gpu.ts';
import { expectClose, randomFloats, randomInts, readFloats, reportWorstErrors, withGpuErrorsChecked } from './nn_gpu_helpers.ts';

/** CleanRL's ppo.py network for CartPole: separate 64-64 tanh torsos, 2 actions, a value head. */
const CARTPOLE_NETWORK: NetworkConfig = {
  observationShape: [4],
  torso: { kind: 'mlp', hidden: [64, 64], activation: 'tanh' },
  sharedTorso: false,
  policy: { kind: 'categorical', actions: 2 },
  critic: true,
};
const BATCH = 8192;
const TIMED_RUNS = 3;

/** Counts the dispatches recorded through it. */
function countingPass(pass: GPUComputePassEncoder): { pass: GPUComputePassEncoder; count: () => number } {
  let dispatches = 0;
  const counted = new Proxy(pass, {
    get(target, property) {
      if (property === 'dispatchWorkgroups') {
        return (...grid: [number, number?, number?]) => {
          dispatches++;
          target.dispatchWorkgroups(...grid);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { pass: counted, count: () => dispatches };
}

/** Submits what `record` records in one compute pass; returns its dispatches and the milliseconds until the GPU is done. */
async function timePass(device: GPUDevice, record: (pass: GPUComputePassEncoder) => void): Promise<{ dispatches: number; ms: number }> {
  const start = performance.now();
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  const counting = countingPass(pass);
  record(counting.pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  return { dispatches: counting.count(), ms: performance.now() - start };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

describe(`cost of one training step (forward + backward + Adam) on ${BATCH} × 4 inputs`, () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('is printed, with the gradients at this size checked against the reference', () =>
    withGpuErrorsChecked(gpu.device, async () => {
      const { device } = gpu;
      const net = buildNetwork(CARTPOLE_NETWORK);
      const network = new GpuNetwork(gpu, net, { batch: BATCH });
      const adam = new GpuAdam(gpu, { params: network.params, grads: network.grads!, paramCount: net.layout.size, reduction: network.reduction!, learningRate: 2.5e-4, maxGradNorm: 0.5 });
      const params = randomFloats(net.layout.size, 1, -0.2, 0.2);
      const obs = randomFloats(BATCH * 4, 2, -2, 2);
      const actions = randomInts(BATCH, 3, 2);
      const dLogProb = randomFloats(BATCH, 4, -1 / BATCH, 1 / BATCH);
      const dEntropy = randomFloats(BATCH, 5, -1 / BATCH, 1 / BATCH);
      const dValue = randomFloats(BATCH, 6, -1 / BATCH, 1 / BATCH);
      device.queue.writeBuffer(network.params, 0, params);
      device.queue.writeBuffer(network.obs, 0, obs);
      device.queue.writeBuffer(network.actions, 0, actions);
      device.queue.writeBuffer(network.dLogProb!, 0, dLogProb);
      device.queue.writeBuffer(network.dEntropy!, 0, dEntropy);
      device.queue.writeBuffer(network.dValue!, 0, dValue);

      // The first backward, checked: 32 splits of 256 rows reduced into the gradient.
      await timePass(device, (pass) => {
        network.recordForward(pass);
        network.recordBackward(pass);
      });
      const pass = forward(net, params, obs, BATCH);
      const terms = policyTerms(net, params, pass.policy, actions, BATCH);
      const refGrads = new Float64Array(net.layout.size);
      const dPolicy = policyTermsBackward(net, params, pass.policy, actions, terms, Float64Array.from(dLogProb), Float64Array.from(dEntropy), refGrads);
      backward(net, params, pass, dPolicy, Float64Array.from(dValue), refGrads);
      const gpuGrads = await readFloats(device, network.grads!);
      for (const tensor of net.layout.tensors) expectClose(tensorView(gpuGrads, tensor), tensorView(refGrads, tensor), `grad ${tensor.kind}, batch ${BATCH}`);
      reportWorstErrors('network at batch 8,192');
      await timePass(device, (p) => adam.recordUpdate(p));

      const phases = {
        forward: (p: GPUComputePassEncoder) => network.recordForward(p),
        backward: (p: GPUComputePassEncoder) => network.recordBackward(p),
        adam: (p: GPUComputePassEncoder) => adam.recordUpdate(p),
        'forward + backward + Adam': (p: GPUComputePassEncoder) => {
          network.recordForward(p);
          network.recordBackward(p);
          adam.recordUpdate(p);
        },
      };
      const lines: string[] = [];
      let stepDispatches = 0;
      for (const [name, record] of Object.entries(phases)) {
        const runs = [];
        for (let r = 0; r < TIMED_RUNS; r++) runs.push(await timePass(device, record));
        lines.push(`  ${name.padEnd(26)} ${String(runs[0].dispatches).padStart(2)} dispatches, ${median(runs.map((run) => run.ms)).toFixed(1)} ms`);
        stepDispatches = runs[0].dispatches;
      }
      console.log(`${BATCH} × 4 inputs, 64-64 tanh actor and critic, ${matmulCoreFor(gpu)} core on ${gpu.adapterName} (median of ${TIMED_RUNS}, submit to done):\n${lines.join('\n')}`);
      // 6 dense layers + the head forward; the head, 2 per layer but the first of each torso, and the
      // reduction backward; 2 for Adam.
      expect(stepDispatches).toBe(7 + (1 + 10 + 1) + 2);
    }));
});
