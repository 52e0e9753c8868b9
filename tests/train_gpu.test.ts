import { beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '../envs/index.ts';
import { GPU_TOLERANCE } from '../src/conformance/classic.ts';
import type { GpuContext } from '../src/gpu/context.ts';
import { initParams } from '../src/nn/init.ts';
import { networkConfigFor, tensorView, type NetworkConfig } from '../src/nn/params.ts';
import { a2cLoss, forward, gae, policyTerms, ppoLoss, type LossResult, type PpoConfig } from '../src/nn/reference.ts';
import { GpuTrainer, type IterationPlan } from '../src/train/gpu-trainer.ts';
import { ROW_STATS } from '../src/train/layout.ts';
import { shuffleFunction } from '../src/train/shuffle.ts';
import { createCpuVecEnv } from '../src/vecenv/cpu.ts';
import { gpuObservationWords, unpackObservationBits } from '../src/vecenv/observation.ts';
import { testGpu } from './helpers/gpu.ts';
import { expectClose, randomFloats, reportWorstErrors, withGpuErrorsChecked } from './nn_gpu_helpers.ts';

/**
 * The fused training kernels (shaders/train/) against the float64 reference (src/nn/reference.ts):
 * a rollout's log-probabilities, values and returns, and one minibatch's loss terms and gradient.
 */

const PPO_PLAN: IterationPlan = {
  rolloutSteps: 16,
  gamma: 0.99,
  gaeLambda: 0.95,
  bootstrapTruncation: true,
  bootstrapLast: true,
  loss: 'ppo',
  epochs: 2,
  minibatches: 4,
  clipCoef: 0.2,
  clipValueLoss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  normalizeAdvantages: true,
  maxGradNorm: 0.5,
};

interface Case {
  name: string;
  envId: string;
  numEnvs: number;
  network: (config: NetworkConfig) => NetworkConfig;
  plan: IterationPlan;
  /** Env options (a short time limit makes truncations happen within the rollout). */
  options?: Record<string, number | boolean>;
}

const CASES: Case[] = [
  {
    name: 'CartPole, separate 64-64 tanh torsos, PPO with clipped value loss',
    envId: 'classic/cartpole',
    numEnvs: 64,
    network: (c) => c,
    plan: PPO_PLAN,
    options: { timeLimit: 12 },
  },
  {
    // 384 rows per minibatch: three of sample_gradients' workgroups, each a word of RO_INPUT_QUADS.
    name: 'Breakout (packed bits), shared 32-32 relu torso, policy gradient',
    envId: 'minatar/breakout',
    numEnvs: 48,
    network: (c) => ({ ...c, torso: { kind: 'mlp', hidden: [32, 32], activation: 'relu' }, sharedTorso: true }),
    plan: { ...PPO_PLAN, loss: 'policy-gradient', gaeLambda: 1, minibatches: 2, normalizeAdvantages: false, bootstrapTruncation: false },
  },
  // Widths and a minibatch (69 rows) that are not multiples of the kernels' blocks of 4 and 8.
  {
    name: 'CartPole, separate 6-5 relu torsos, policy gradient, 3 minibatches of 69',
    envId: 'classic/cartpole',
    numEnvs: 13,
    network: (c) => ({ ...c, torso: { kind: 'mlp', hidden: [6, 5], activation: 'relu' }, sharedTorso: false }),
    plan: { ...PPO_PLAN, loss: 'policy-gradient', minibatches: 3 },
    options: { timeLimit: 12 },
  },
  {
    name: 'Breakout (packed bits), separate 9-7 tanh torsos, PPO, 3 minibatches of 133',
    envId: 'minatar/breakout',
    numEnvs: 25,
    network: (c) => ({ ...c, torso: { kind: 'mlp', hidden: [9, 7], activation: 'tanh' }, sharedTorso: false }),
    plan: { ...PPO_PLAN, minibatches: 3, bootstrapTruncation: false },
  },
  // 10 channels: blocks of 8 inputs that start and end inside a cell, and 1,000 inputs, near the
  // 1,023 that sample_gradients' note of a quad's set blocks holds.
  {
    name: 'Seaquest (packed bits), separate 8-8 relu torsos, PPO',
    envId: 'minatar/seaquest',
    numEnvs: 24,
    network: (c) => ({ ...c, torso: { kind: 'mlp', hidden: [8, 8], activation: 'relu' }, sharedTorso: false }),
    plan: { ...PPO_PLAN, minibatches: 3, bootstrapTruncation: false },
  },
  // The conv stage: packed-bits input read bit by bit, output [channel][row][col] as nn.Flatten's.
  {
    name: 'Breakout (packed bits), shared MinAtar CNN torso, PPO',
    envId: 'minatar/breakout',
    numEnvs: 16,
    network: (c) => c,
    plan: { ...PPO_PLAN, bootstrapTruncation: false },
  },
  // Two conv stages (one per torso), 6 input channels, a minibatch (170 rows) off the blocks of 4.
  {
    name: 'Space Invaders (packed bits), separate MinAtar CNN torsos, policy gradient, 3 minibatches of 170',
    envId: 'minatar/space_invaders',
    numEnvs: 32,
    network: (c) => ({ ...c, sharedTorso: false }),
    plan: { ...PPO_PLAN, loss: 'policy-gradient', minibatches: 3 },
    options: { timeLimit: 12 },
  },
  // Continuous actions: Box–Muller samples, their log-probabilities and actor_logstd's gradient.
  {
    name: 'Pendulum, Gaussian policy, separate 64-64 tanh torsos, PPO with clipped value loss',
    envId: 'classic/pendulum',
    numEnvs: 32,
    network: (c) => c,
    plan: PPO_PLAN,
    options: { timeLimit: 12 },
  },
];

function words(trainer: GpuTrainer, name: Parameters<GpuTrainer['readSection']>[0], count: number) {
  return trainer.readSection(name, count);
}
const floats = (w: Uint32Array) => new Float32Array(w.buffer, w.byteOffset, w.length);

describe('fused training kernels against the float64 reference', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it.each(CASES)('$name', ({ envId, numEnvs, network, plan, options }) =>
    withGpuErrorsChecked(gpu.device, async () => {
      const env = getEnv(envId);
      const seed = 7;
      const config = network(networkConfigFor(env.spec));
      const trainer = new GpuTrainer(gpu, { envId, env: { numEnvs, seed, ...options }, network: config, plan, learningRate: 1e-3 });
      const net = trainer.net;
      const rows = plan.rolloutSteps * numEnvs;
      const params = initParams(net.layout, seed);

      // The rollout and its returns.
      const encoder = gpu.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      trainer.recordRollout(pass);
      trainer.recordReturns(pass);
      pass.end();
      gpu.device.queue.submit([encoder.finish()]);
      const obsWords = gpuObservationWords(env);
      const rawObs = await words(trainer, 'RO_OBS', rows * obsWords);
      const obs = env.wgsl.observation === 'bits' ? unpackObservationBits(rawObs, rows, env.spec.observationShape[2]) : floats(rawObs).slice();
      const actionWords = await words(trainer, 'RO_ACTIONS', rows);
      // A Gaussian policy's actions are f32 bits, unclipped (the env clips).
      const continuous = env.spec.actionSpace.kind === 'box';
      const actions = continuous ? floats(actionWords).slice() : actionWords;
      const logProb = floats(await words(trainer, 'RO_LOG_PROB', rows));
      const values = floats(await words(trainer, 'RO_VALUES', rows));
      const rewards = floats(await words(trainer, 'RO_REWARDS', rows));
      const dones = await words(trainer, 'RO_DONES', rows);
      const lastValues = floats(await words(trainer, 'RO_LAST_VALUES', numEnvs));
      const advantages = floats(await words(trainer, 'RO_ADVANTAGES', rows));
      const returns = floats(await words(trainer, 'RO_RETURNS', rows));

      // The envs saw the actions the policy chose: a CPU VecEnv given the same actions agrees.
      const cpu = createCpuVecEnv(env, { numEnvs, seed, ...options });
      let ended = 0;
      for (let t = 0; t < plan.rolloutSteps; t++) {
        const at = t * numEnvs;
        const size = net.inputSize;
        expectClose(obs.subarray(at * size, (at + numEnvs) * size), (await cpu.read()).obs, `${envId} rollout observations`);
        cpu.step(actions.slice(at, at + numEnvs));
        const step = await cpu.read();
        for (let i = 0; i < numEnvs; i++) {
          expect(dones[at + i], `done flags, step ${t} env ${i}`).toBe(step.terminated[i] | (step.truncated[i] << 1));
          if (dones[at + i]) ended++;
          // Bootstrapped truncations add γ·V(final obs), checked through the returns below.
          if (dones[at + i] !== 2 || !plan.bootstrapTruncation) {
            // Pendulum's reward is float math, on which the GPU and CPU envs agree within the envs'
            // tolerance (gpu_cpu_parity); the other rewards are small integers.
            if (continuous) expect(Math.abs(rewards[at + i] - step.reward[i])).toBeLessThanOrEqual(GPU_TOLERANCE.absolute + GPU_TOLERANCE.relative * Math.abs(step.reward[i]));
            else expect(rewards[at + i]).toBeCloseTo(step.reward[i], 6);
          }
        }
      }
      expect(ended, 'episodes ended within the rollout').toBeGreaterThan(0);

      // Log-probabilities and values of the chosen actions under the initial parameters.
      const pass64 = forward(net, params, obs, rows);
      const terms = policyTerms(net, params, pass64.policy, actions, rows);
      expectClose(logProb, terms.logProb, `${envId} rollout log π`);
      if (pass64.value) expectClose(values, pass64.value, `${envId} rollout values`);
      const rollout = { numEnvs, rewards, terminated: dones.map((d) => d & 1), truncated: dones.map((d) => (d >> 1) & 1) };
      const expected = gae(rollout, values, lastValues, plan.gamma, plan.gaeLambda);
      expectClose(advantages, expected.advantages, `${envId} advantages`);
      expectClose(returns, expected.returns, `${envId} returns`);

      // One minibatch under perturbed parameters, so that PPO's ratios leave 1 and clip.
      const noise = randomFloats(params.length, 11, -0.3, 0.3);
      const perturbed = Float32Array.from(params, (p, k) => p + noise[k]);
      gpu.device.queue.writeBuffer(trainer.params, 0, perturbed);
      const update = gpu.device.createCommandEncoder();
      const updatePass = update.beginComputePass();
      trainer.recordMinibatchGradients(updatePass);
      updatePass.end();
      gpu.device.queue.submit([update.finish()]);
      const gpuGrads = await trainer.readGradients();
      const stats = floats(await words(trainer, 'RO_LOSS_STATS', ROW_STATS));

      const n = trainer.minibatchRows;
      const order = plan.minibatches > 1 ? shuffleFunction(seed, 0, rows) : (k: number) => k;
      const picked = Array.from({ length: n }, (_, r) => order(r));
      const pick = (source: ArrayLike<number>, width = 1) => Float64Array.from({ length: n * width }, (_, q) => source[picked[Math.floor(q / width)] * width + (q % width)]);
      const batch = { size: n, obs: pick(obs, net.inputSize), actions: pick(actions), oldLogProb: pick(logProb), oldValue: pick(values), advantages: pick(advantages), returns: pick(returns) };
      const coefficients = { entCoef: plan.entCoef, vfCoef: plan.vfCoef, normalizeAdvantages: plan.normalizeAdvantages };
      let reference: LossResult;
      if (plan.loss === 'ppo') {
        const ppo: PpoConfig = { ...coefficients, clipCoef: plan.clipCoef, clipValueLoss: plan.clipValueLoss };
        reference = ppoLoss(net, perturbed, batch, ppo);
        expect(reference.stats.clipFraction, 'some ratios clipped').toBeGreaterThan(0);
        expect(stats[4]).toBeCloseTo(reference.stats.clipFraction!, 5);
        expect(stats[3]).toBeCloseTo(reference.stats.approxKl!, 4);
      } else {
        reference = a2cLoss(net, perturbed, batch, coefficients);
      }
      expect(stats[0]).toBeCloseTo(reference.stats.policyLoss, 4);
      expect(stats[1]).toBeCloseTo(reference.stats.valueLoss, 3);
      expect(stats[2]).toBeCloseTo(reference.stats.entropy, 4);
      for (const tensor of net.layout.tensors) {
        expectClose(tensorView(gpuGrads, tensor), tensorView(reference.grads, tensor), `${envId} ∂loss/∂${tensor.kind}`);
      }
      reportWorstErrors('fused training kernels');
      trainer.destroy();
    }),
  );
});

describe('a seed grid', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  // The conv, the live-input lists, packed bits with their input quads, and a Gaussian's log σ.
  const GRID_CASES = [CASES[0], CASES[1], CASES[5], CASES[7]];
  it.each(GRID_CASES)('trains each seed bit for bit as that seed alone: $name', ({ envId, numEnvs, network, plan, options }) =>
    withGpuErrorsChecked(gpu.device, async () => {
      const env = getEnv(envId);
      const seed = 7;
      const seeds = 3;
      const trainer = (first: number, count: number) =>
        new GpuTrainer(gpu, { envId, env: { numEnvs, seed: first, ...options }, seeds: count, network: network(networkConfigFor(env.spec)), plan, learningRate: 1e-3 });
      const grid = trainer(seed, seeds);
      const alone = Array.from({ length: seeds }, (_, s) => trainer(seed + s, 1));
      // Two iterations: the second rollout runs on parameters the first update changed.
      for (const t of [grid, ...alone]) t.iterate(1e-3, 2);
      const params = await grid.readParams();
      const size = grid.net.layout.size;
      const episodes = await grid.vecEnv.readEpisodeSums();
      const seedStats = await grid.vecEnv.readSeedStats();
      const losses = await grid.readLossStats();
      expect(losses).toHaveLength(seeds);
      for (let s = 0; s < seeds; s++) {
        const own = await alone[s].readParams();
        expect(params.subarray(s * size, (s + 1) * size), `parameters of seed ${seed + s}`).toEqual(own);
        expect(losses[s]).toEqual((await alone[s].readLossStats())[0]);
        const returns = await alone[s].readSection('RO_RETURNS', plan.rolloutSteps * numEnvs);
        expect(await grid.readSection('RO_RETURNS', plan.rolloutSteps * numEnvs, s)).toEqual(returns);
        const ownEpisodes = await alone[s].vecEnv.readEpisodeSums();
        expect(Array.from(episodes.returnSum).slice(s * numEnvs, (s + 1) * numEnvs)).toEqual(Array.from(ownEpisodes.returnSum));
        const ownStats = await alone[s].vecEnv.readStats();
        expect(ownStats.episodes, 'episodes ended').toBeGreaterThan(0);
        expect(seedStats[s]).toEqual(ownStats);
      }
      // The runs differ from each other, so the comparison above could fail.
      expect(params.subarray(0, size)).not.toEqual(params.subarray(size, 2 * size));
      for (const t of [grid, ...alone]) t.destroy();
    }),
  );
});

describe('minibatch shuffle', () => {
  it('is a permutation of 0 … n − 1 for every n, and differs between epochs', () => {
    for (const n of [1, 2, 5, 128, 500, 512, 1000, 8192]) {
      const order = shuffleFunction(3, 1, n);
      const seen = new Set(Array.from({ length: n }, (_, k) => order(k)));
      expect(seen.size).toBe(n);
      expect(Math.max(...seen)).toBe(n - 1);
    }
    const a = shuffleFunction(3, 1, 512);
    const b = shuffleFunction(3, 2, 512);
    const same = Array.from({ length: 512 }, (_, k) => a(k) === b(k)).filter(Boolean).length;
    expect(same).toBeLessThan(16);
    const moved = Array.from({ length: 512 }, (_, k) => a(k) === k).filter(Boolean).length;
    expect(moved).toBeLessThan(16);
  });
});
