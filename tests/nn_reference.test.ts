import { describe, expect, it } from 'vitest';
import { initParams } from '../src/nn/init.ts';
import { buildNetwork, type Layer, type Network, type NetworkConfig, type TensorSpec } from '../src/nn/params.ts';
import {
  a2cLoss,
  a2cObjective,
  Adam,
  bootstrapTruncations,
  categoricalSample,
  clipGradNorm,
  forward,
  gae,
  layerBackward,
  layerForward,
  linearLearningRate,
  logSoftmax,
  nStepReturns,
  normalizeAdvantages,
  policyTerms,
  policyTermsBackward,
  ppoLoss,
  ppoObjective,
  reinforceLoss,
  reinforceObjective,
  type Evaluation,
  type Objective,
  type PpoConfig,
} from '../src/nn/reference.ts';
import { CounterRng } from '../src/rng/source.ts';

// ---------------------------------------------------------------------------------------------
// Finite differences

/** Deterministic uniforms in [lo, hi) for test inputs; each `tag` is its own stream of draws. */
function uniforms(n: number, tag: number, lo = -1, hi = 1): Float64Array {
  const rng = new CounterRng(2024, 7, tag, 0);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

/** Up to `count` distinct indices of [0, size), all of them when size is small. */
function sampleIndices(size: number, count: number, tag: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, k) => k);
  const rng = new CounterRng(2024, 8, tag, 0);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(0, size));
  return [...picked];
}

const STEP = 1e-6;

/** Central differences (f(x + h) − f(x − h)) / 2h at the given coordinates of x. */
function numericGradient(f: (x: Float64Array) => number, x: Float64Array, indices: number[]): Float64Array {
  return Float64Array.from(indices, (k) => {
    const saved = x[k];
    x[k] = saved + STEP;
    const up = f(x);
    x[k] = saved - STEP;
    const down = f(x);
    x[k] = saved;
    return (up - down) / (2 * STEP);
  });
}

/**
 * The gradient check: ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) over a tensor's checked
 * coordinates, below 1e-6. A tensor whose gradient is zero must be zero both ways.
 */
function expectGradient(analytic: ArrayLike<number>, numeric: ArrayLike<number>, label: string): void {
  let diff = 0;
  let a = 0;
  let n = 0;
  for (let k = 0; k < numeric.length; k++) {
    diff += (analytic[k] - numeric[k]) ** 2;
    a += analytic[k] ** 2;
    n += numeric[k] ** 2;
  }
  const scale = Math.sqrt(Math.max(a, n));
  if (scale < 1e-10) return;
  expect(Math.sqrt(diff) / scale, label).toBeLessThan(1e-6);
}

/** Checks ∂f/∂x against finite differences at (a sample of) every coordinate of x. */
function checkInputGradient(f: (x: Float64Array) => number, x: Float64Array, analytic: ArrayLike<number>, label: string, tag = 0): void {
  const indices = sampleIndices(x.length, 60, tag);
  expectGradient(
    indices.map((k) => analytic[k]),
    numericGradient(f, x, indices),
    label,
  );
}

/**
 * Checks a loss's analytic gradient tensor by tensor (each tensor on its own, so that small ones
 * count too) against finite differences of `value`, the loss computed by the forward pass alone.
 */
function checkParamGradients(net: Network, params: Float64Array, grads: Float64Array, value: (p: Float64Array) => number, perTensor = 1000): void {
  net.layout.tensors.forEach((tensor, t) => {
    const indices = sampleIndices(tensor.size, perTensor, t).map((k) => tensor.offset + k);
    expectGradient(
      indices.map((k) => grads[k]),
      numericGradient(value, params, indices),
      tensor.name,
    );
  });
}

/** A loss's value by the forward pass only: network, policy terms, objective. */
function lossValue(net: Network, params: Float64Array, batch: { size: number; obs: ArrayLike<number>; actions: ArrayLike<number> }, objective: (ev: Evaluation) => Objective): number {
  const pass = forward(net, params, batch.obs, batch.size);
  return objective({ ...policyTerms(net, params, pass.policy, batch.actions, batch.size), value: pass.value }).loss;
}

// ---------------------------------------------------------------------------------------------
// Layers

const spec = (name: string, shape: number[], offset: number): TensorSpec => ({
  name,
  shape,
  offset,
  size: shape.reduce((a, b) => a * b, 1),
  role: 'hidden',
  kind: name.endsWith('bias') ? 'bias' : 'weight',
});

function denseLayer(inputs: number, outputs: number): { layer: Layer; size: number } {
  const weight = spec('w', [outputs, inputs], 0);
  const bias = spec('bias', [outputs], weight.size);
  return { layer: { kind: 'dense', inputs, outputs, weight, bias }, size: weight.size + bias.size };
}

function convLayer(height: number, width: number, inChannels: number, outChannels: number): { layer: Layer; size: number } {
  const weight = spec('w', [outChannels, inChannels, 3, 3], 0);
  const bias = spec('bias', [outChannels], weight.size);
  return { layer: { kind: 'conv3x3', height, width, inChannels, outChannels, weight, bias }, size: weight.size + bias.size };
}

/** Checks a layer's input and parameter gradients for the scalar Σ r ⊙ y with random r. */
function checkLayer(layer: Layer, paramSize: number, inputSize: number, batch: number, label: string): void {
  const params = uniforms(paramSize, 1);
  const x = uniforms(batch * inputSize, 2);
  const y = layerForward(layer, params, x, batch);
  const r = uniforms(y.length, 3);
  const scalar = (p: Float64Array, input: Float64Array) => layerForward(layer, p, input, batch).reduce((sum, v, k) => sum + v * r[k], 0);
  const grads = new Float64Array(paramSize);
  const dx = layerBackward(layer, params, x, y, r, batch, grads);
  checkInputGradient((input) => scalar(params, input), x, dx, `${label} input`);
  if (paramSize > 0) checkInputGradient((p) => scalar(p, x), params, grads, `${label} params`, 1);
}

describe('layers (float64 reference)', () => {
  it('dense: gradients match finite differences', () => {
    const { layer, size } = denseLayer(5, 3);
    checkLayer(layer, size, 5, 4, 'dense');
  });

  it('conv 3×3 valid: gradients match finite differences on a non-square multi-channel grid', () => {
    const { layer, size } = convLayer(5, 4, 2, 3);
    checkLayer(layer, size, 5 * 4 * 2, 2, 'conv');
  });

  it('relu, tanh and flatten: gradients match finite differences', () => {
    checkLayer({ kind: 'activation', fn: 'relu' }, 0, 7, 3, 'relu');
    checkLayer({ kind: 'activation', fn: 'tanh' }, 0, 7, 3, 'tanh');
    checkLayer({ kind: 'flatten' }, 0, 7, 3, 'flatten');
  });

  it('conv reads [row][col][channel] and writes [channel][row][col], the flatten order (hand example)', () => {
    // Input 3 rows × 4 cols × 2 channels with x[r][c][ch] = 100·ch + 10·r + c. Output 1 × 2 per channel.
    const { layer, size } = convLayer(3, 4, 2, 2);
    const x = new Float64Array(24);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) for (let ch = 0; ch < 2; ch++) x[(r * 4 + c) * 2 + ch] = 100 * ch + 10 * r + c;
    const params = new Float64Array(size);
    params[((0 * 2 + 1) * 3 + 0) * 3 + 0] = 1; // W[0][1][0][0]: output channel 0 reads x[r][c][1]
    params[((1 * 2 + 0) * 3 + 2) * 3 + 1] = 1; // W[1][0][2][1]: output channel 1 reads x[r + 2][c + 1][0]
    params[36] = 0.5; // biases
    params[37] = -1;
    // Channel 0: x[0][c][1] + 0.5 = 100.5, 101.5. Channel 1: x[2][c + 1][0] − 1 = 21 − 1, 22 − 1.
    expect([...layerForward(layer, params, x, 1)]).toEqual([100.5, 101.5, 20, 21]);
  });
});

// ---------------------------------------------------------------------------------------------
// Distributions

describe('policy distributions', () => {
  it('softmax, entropy and sampling by inversion (hand example)', () => {
    // Logits 0, ln 2, ln 3: probabilities 1/6, 2/6, 3/6; cumulative 1/6, 1/2, 1.
    const logits = [0, Math.log(2), Math.log(3)];
    expect([...logSoftmax(logits)].map(Math.exp)).toEqual([1 / 6, 2 / 6, 3 / 6].map((p) => expect.closeTo(p, 15)));
    expect([0, 0.16, 0.17, 0.49, 0.51, 0.999999].map((u) => categoricalSample(logits, u))).toEqual([0, 0, 1, 1, 2, 2]);
    // Ten probabilities of 0.1 add up to 1 − 2^-53 in float64; a u that high falls past the total
    // and takes the last action with nonzero probability.
    expect(categoricalSample([...new Array(10).fill(0), -Infinity], 1 - 2 ** -53)).toBe(9);
    // Large logits do not overflow.
    expect([...logSoftmax([1000, 1000])]).toEqual([-Math.LN2, -Math.LN2].map((l) => expect.closeTo(l, 12)));
  });

  it('samples with the softmax frequencies', () => {
    const logits = [0.3, -1, 1.2, 0];
    const probs = [...logSoftmax(logits)].map(Math.exp);
    const rng = new CounterRng(9, 2, 0, 0);
    const counts = [0, 0, 0, 0];
    const n = 40000;
    for (let k = 0; k < n; k++) counts[categoricalSample(logits, rng.uniform())]++;
    counts.forEach((count, a) => expect(Math.abs(count / n - probs[a])).toBeLessThan(0.01));
  });

  const categorical = buildNetwork({
    observationShape: [3],
    torso: { kind: 'mlp', hidden: [], activation: 'tanh' },
    sharedTorso: false,
    policy: { kind: 'categorical', actions: 4 },
    critic: false,
  });
  const gaussian = buildNetwork({
    observationShape: [3],
    torso: { kind: 'mlp', hidden: [], activation: 'tanh' },
    sharedTorso: false,
    policy: { kind: 'gaussian', actionDim: 2 },
    critic: false,
  });

  it('categorical and Gaussian entropies and log-probabilities (hand values)', () => {
    const uniform = policyTerms(categorical, [], new Float64Array(4), [2], 1);
    expect(uniform.entropy[0]).toBeCloseTo(Math.log(4), 14);
    expect(uniform.logProb[0]).toBeCloseTo(-Math.log(4), 14);
    // σ = e^0.5 in dimension 0, 1 in dimension 1; a − μ = (e^0.5, 0): log p = −½ − 0.5 − ½ log 2π − ½ log 2π.
    const params = new Float64Array(gaussian.layout.size);
    params[gaussian.logStd!.offset] = 0.5;
    const terms = policyTerms(gaussian, params, Float64Array.of(1, 2), [1 + Math.exp(0.5), 2], 1);
    expect(terms.logProb[0]).toBeCloseTo(-1 - Math.log(2 * Math.PI), 14);
    expect(terms.entropy[0]).toBeCloseTo(1 + Math.log(2 * Math.PI) + 0.5, 14);
  });

  it('log-probability and entropy gradients match finite differences', () => {
    const batch = 5;
    const cLog = uniforms(batch, 10);
    const cEnt = uniforms(batch, 11);
    const objective = (net: Network, params: Float64Array, policy: Float64Array, actions: ArrayLike<number>) => {
      const terms = policyTerms(net, params, policy, actions, batch);
      return terms.logProb.reduce((s, v, b) => s + cLog[b] * v + cEnt[b] * terms.entropy[b], 0);
    };
    for (const net of [categorical, gaussian]) {
      const params = uniforms(net.layout.size, 12);
      const policy = uniforms(batch * net.policySize, 13, -2, 2);
      const actions = net.logStd ? uniforms(batch * net.policySize, 14, -3, 3) : [0, 3, 1, 2, 3];
      const terms = policyTerms(net, params, policy, actions, batch);
      const grads = new Float64Array(net.layout.size);
      const dPolicy = policyTermsBackward(net, params, policy, actions, terms, cLog, cEnt, grads);
      checkInputGradient((p) => objective(net, params, p, actions), policy, dPolicy, `${net.config.policy.kind} policy output`);
      if (net.logStd) {
        const { offset, size } = net.logStd;
        const indices = [offset, offset + size - 1];
        expectGradient(
          indices.map((k) => grads[k]),
          numericGradient((p) => objective(net, p, policy, actions), params, indices),
          'actor_logstd',
        );
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Losses on whole networks

/** Initialized parameters plus noise, so biases and the log-std are not all zero. */
function testParams(net: Network, tag: number): Float64Array {
  const noise = uniforms(net.layout.size, tag, -0.1, 0.1);
  return Float64Array.from(initParams(net.layout, tag), (v, k) => v + noise[k]);
}

/** Random observations (0/1 cells for grids, like MinAtar's) and valid actions. */
function testBatch(net: Network, size: number, tag: number) {
  const grid = net.config.torso.kind === 'minatar';
  const obs = uniforms(size * net.inputSize, tag, 0, 1).map((u) => (grid ? (u < 0.3 ? 1 : 0) : 4 * u - 2));
  const actions =
    net.config.policy.kind === 'categorical'
      ? uniforms(size, tag + 1, 0, 1).map((u) => Math.floor(u * net.policySize))
      : uniforms(size * net.policySize, tag + 1, -2, 2);
  return { size, obs, actions };
}

const ppoConfig: PpoConfig = { clipCoef: 0.2, clipValueLoss: true, entCoef: 0.01, vfCoef: 0.5, normalizeAdvantages: true };

/**
 * PPO targets around the network's current outputs, spread so that some ratios and some value
 * changes fall outside the clip range and some inside, exercising both branches of each max.
 */
function ppoTargets(net: Network, params: Float64Array, batch: ReturnType<typeof testBatch>, tag: number) {
  const pass = forward(net, params, batch.obs, batch.size);
  const logProb = policyTerms(net, params, pass.policy, batch.actions, batch.size).logProb;
  const shift = uniforms(batch.size, tag, -0.5, 0.5);
  const valueShift = uniforms(batch.size, tag + 1, -0.5, 0.5);
  return {
    ...batch,
    oldLogProb: logProb.map((lp, i) => lp + shift[i]),
    oldValue: pass.value!.map((v, i) => v + valueShift[i]),
    advantages: uniforms(batch.size, tag + 2, -2, 2),
    returns: uniforms(batch.size, tag + 3, -2, 2),
  };
}

const mlp = (overrides: Partial<NetworkConfig>): Network =>
  buildNetwork({
    observationShape: [3],
    torso: { kind: 'mlp', hidden: [5, 4], activation: 'tanh' },
    sharedTorso: false,
    policy: { kind: 'categorical', actions: 3 },
    critic: true,
    ...overrides,
  });

describe('loss gradients with respect to every parameter (finite differences)', () => {
  it('PPO, separate tanh torsos, categorical, clipped value loss', () => {
    const net = mlp({});
    const params = testParams(net, 20);
    const batch = ppoTargets(net, params, testBatch(net, 8, 21), 22);
    const { grads, stats } = ppoLoss(net, params, batch, ppoConfig);
    expect(stats.clipFraction).toBeGreaterThan(0);
    expect(stats.clipFraction).toBeLessThan(1);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, batch, (ev) => ppoObjective(ev, batch, ppoConfig)));
  });

  it('PPO, shared relu torso, Gaussian, unclipped value loss, raw advantages', () => {
    const net = mlp({ sharedTorso: true, torso: { kind: 'mlp', hidden: [6], activation: 'relu' }, policy: { kind: 'gaussian', actionDim: 2 } });
    const params = testParams(net, 30);
    const batch = ppoTargets(net, params, testBatch(net, 6, 31), 32);
    const config = { ...ppoConfig, clipValueLoss: false, normalizeAdvantages: false };
    const { grads } = ppoLoss(net, params, batch, config);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, batch, (ev) => ppoObjective(ev, batch, config)));
  });

  it('A2C, shared relu torso, categorical', () => {
    const net = mlp({ sharedTorso: true, torso: { kind: 'mlp', hidden: [6, 5], activation: 'relu' }, policy: { kind: 'categorical', actions: 4 } });
    const params = testParams(net, 40);
    const batch = { ...testBatch(net, 6, 41), advantages: uniforms(6, 42), returns: uniforms(6, 43) };
    const config = { entCoef: 0.05, vfCoef: 0.5, normalizeAdvantages: true };
    const { grads } = a2cLoss(net, params, batch, config);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, batch, (ev) => a2cObjective(ev, batch, config)));
  });

  it('REINFORCE with a baseline: the baseline is a constant in the policy term, fitted by the value term', () => {
    // The gradient is that of the loss with Â = G − V frozen at the current parameters (a stop-
    // gradient), which is A2C's loss with those advantages and the returns as value targets.
    const net = mlp({});
    const params = testParams(net, 50);
    const batch = { ...testBatch(net, 6, 51), returns: uniforms(6, 52, 0, 5) };
    const config = { baseline: true, entCoef: 0.01, vfCoef: 0.7, normalizeAdvantages: false };
    const { grads, loss } = reinforceLoss(net, params, batch, config);
    const values = forward(net, params, batch.obs, batch.size).value!;
    const frozen = { ...batch, advantages: batch.returns.map((g, i) => g - values[i]) };
    expect(loss).toBeCloseTo(a2cLoss(net, params, frozen, config).loss, 14);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, frozen, (ev) => a2cObjective(ev, frozen, config)));
  });

  it('REINFORCE without a baseline (no critic, Gaussian)', () => {
    const net = mlp({ critic: false, policy: { kind: 'gaussian', actionDim: 1 } });
    const params = testParams(net, 53);
    const batch = { ...testBatch(net, 6, 54), returns: uniforms(6, 55, 0, 5) };
    const config = { baseline: false, entCoef: 0.02, vfCoef: 0, normalizeAdvantages: true };
    const { grads } = reinforceLoss(net, params, batch, config);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, batch, (ev) => reinforceObjective(ev, batch.returns, config)));
  });

  it('PPO on the MinAtar network with a shared torso (sampled coordinates of the large tensors)', () => {
    const net = buildNetwork({ observationShape: [10, 10, 3], torso: { kind: 'minatar' }, sharedTorso: true, policy: { kind: 'categorical', actions: 6 }, critic: true });
    const params = testParams(net, 60);
    const batch = ppoTargets(net, params, testBatch(net, 3, 61), 62);
    const { grads } = ppoLoss(net, params, batch, ppoConfig);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, batch, (ev) => ppoObjective(ev, batch, ppoConfig)), 30);
  });

  it('A2C on the MinAtar network with separate torsos', () => {
    const net = buildNetwork({ observationShape: [10, 10, 2], torso: { kind: 'minatar' }, sharedTorso: false, policy: { kind: 'categorical', actions: 6 }, critic: true });
    const params = testParams(net, 70);
    const batch = { ...testBatch(net, 2, 71), advantages: uniforms(2, 72), returns: uniforms(2, 73) };
    const config = { entCoef: 0.01, vfCoef: 0.5, normalizeAdvantages: false };
    const { grads } = a2cLoss(net, params, batch, config);
    checkParamGradients(net, params, grads, (p) => lossValue(net, p, batch, (ev) => a2cObjective(ev, batch, config)), 20);
  });
});

// ---------------------------------------------------------------------------------------------
// Objectives on hand-computed batches

describe('loss values (hand-computed)', () => {
  it('PPO on a fixed batch of 4', () => {
    // Advantages 4, 0, 0, 0: mean 1, deviations 3, −1, −1, −1, unbiased std √(12/3) = 2, so
    // Â = (1.5, −0.5, −0.5, −0.5) up to the 1e-8 in the denominator.
    const adv = [3, -1, -1, -1].map((d) => d / (2 + 1e-8));
    expect([...normalizeAdvantages([4, 0, 0, 0])]).toEqual(adv.map((a) => expect.closeTo(a, 15)));
    // Ratios 1.5, 0.9, 0.5, 1 (log π − log π_old = log r), ε = 0.2:
    //   i=0: max(−1.5·1.5, −1.5·1.2) = −1.8 (clipped)   i=1: max(0.45, 0.45) = 0.45
    //   i=2: max(0.25, 0.5·0.8) = 0.4 (clipped)          i=3: 0.5
    //   policy = (−1.8 + 0.45 + 0.4 + 0.5) / 4 = −0.1125
    const ratios = [1.5, 0.9, 0.5, 1];
    const oldLogProb = [-1, -2, -0.5, -3];
    const logProb = Float64Array.from(ratios, (r, i) => oldLogProb[i] + Math.log(r));
    // Values V, old values V_old, returns R:
    //   i=0: V 1, V_old 0.5, R 1:  (V − R)² = 0, clipped V 0.7 → 0.09; max 0.09
    //   i=1: V 0.1, V_old 0, R 0:  0.01, clipped V 0.1 → 0.01; max 0.01
    //   i=2: V 1.5, V_old 1, R 2:  0.25, clipped V 1.2 → 0.64; max 0.64
    //   i=3: V −2, V_old 0, R −1:  1, clipped V −0.2 → 0.64; max 1
    //   value = ½ (0.09 + 0.01 + 0.64 + 1) / 4 = 0.2175 (unclipped: ½ (0 + 0.01 + 0.25 + 1) / 4 = 0.1575)
    const value = Float64Array.of(1, 0.1, 1.5, -2);
    const targets = { oldLogProb, oldValue: [0.5, 0, 1, 0], advantages: [4, 0, 0, 0], returns: [1, 0, 2, -1] };
    // Entropies 1, 0.5, 0.8, 0.7: mean 0.75.
    const ev = { logProb, entropy: Float64Array.of(1, 0.5, 0.8, 0.7), value };
    const result = ppoObjective(ev, targets, ppoConfig);
    const policy = (-adv[0] * 1.2 - adv[1] * 0.9 - adv[2] * 0.8 - adv[3] * 1) / 4; // −0.1125 with the exact Â
    expect(result.stats.policyLoss).toBeCloseTo(policy, 15);
    expect(result.stats.policyLoss).toBeCloseTo(-0.1125, 7);
    expect(result.stats.valueLoss).toBeCloseTo(0.2175, 15);
    expect(result.stats.entropy).toBeCloseTo(0.75, 15);
    // loss = −0.1125 − 0.01 · 0.75 + 0.5 · 0.2175 = −0.01125
    expect(result.loss).toBeCloseTo(policy - 0.0075 + 0.10875, 15);
    // approx KL = mean((r − 1) − log r); clip fraction: |r − 1| > 0.2 for i = 0, 2.
    const kl = ratios.reduce((s, r) => s + (r - 1 - Math.log(r)), 0) / 4;
    expect(result.stats.approxKl).toBeCloseTo(kl, 15);
    expect(result.stats.approxKl).toBeCloseTo((0.5 - Math.log(1.5) - 0.1 - Math.log(0.9) - 0.5 + Math.LN2) / 4, 15);
    expect(result.stats.clipFraction).toBe(0.5);
    // ∂loss/∂log π_i = −Â_i r_i / 4 where unclipped, 0 where clipped: (0, 0.5·0.9/4, 0, 0.5·1/4).
    expect([...result.dLogProb]).toEqual([0, -adv[1] * 0.9 / 4, 0, -adv[3] / 4].map((g) => expect.closeTo(g, 15)));
    // ∂loss/∂V_i = vfCoef (V − R) / 4 where the unclipped term is the max, else 0: (0, 0.0125, 0, −0.125).
    expect([...result.dValue!]).toEqual([0, 0.0125, 0, -0.125].map((g) => expect.closeTo(g, 15)));
    expect([...result.dEntropy]).toEqual([-0.0025, -0.0025, -0.0025, -0.0025]);

    const unclipped = ppoObjective(ev, targets, { ...ppoConfig, clipValueLoss: false });
    expect(unclipped.stats.valueLoss).toBeCloseTo(0.1575, 15);
  });

  it('A2C and REINFORCE on a batch of 2', () => {
    const ev = { logProb: Float64Array.of(-1, -2), entropy: Float64Array.of(0.5, 1.5), value: Float64Array.of(1, 3) };
    const config = { entCoef: 0.1, vfCoef: 0.5, normalizeAdvantages: false };
    // A2C, advantages 2, −1, returns 3, 2: policy −(2·(−1) + (−1)·(−2)) / 2 = 0;
    // value ½ ((1 − 3)² + (3 − 2)²) / 2 = 1.25; loss 0 − 0.1 · 1 + 0.5 · 1.25 = 0.525.
    const a2c = a2cObjective(ev, { advantages: [2, -1], returns: [3, 2] }, config);
    expect(a2c.stats).toEqual({ policyLoss: 0, valueLoss: 1.25, entropy: 1 });
    expect(a2c.loss).toBeCloseTo(0.525, 15);
    // REINFORCE with baseline, returns 3, 2: advantages 3 − 1, 2 − 3 = 2, −1: the same as A2C here.
    expect(reinforceObjective(ev, [3, 2], { ...config, baseline: true }).loss).toBeCloseTo(0.525, 15);
    // Without baseline: policy −(3·(−1) + 2·(−2)) / 2 = 3.5, no value loss; loss 3.5 − 0.1 = 3.4.
    const plain = reinforceObjective(ev, [3, 2], { ...config, baseline: false });
    expect(plain.loss).toBeCloseTo(3.4, 15);
    expect(plain.dValue).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Returns

describe('returns and advantages (hand-computed)', () => {
  // Two envs, four steps, time-major (index 2t + env). γ = 0.9, λ = 0.8, γλ = 0.72.
  // Env 0: rewards 1, 0, 2, 1; values 0.5, 1, 1.5, 0.2; terminated at t = 1; last value 2.
  // Env 1: rewards 0, 1, 1, 0; values 1, 1, 1, 1; truncated at t = 2 with V(final obs) = 3; last value 0.5.
  const rollout = {
    numEnvs: 2,
    rewards: [1, 0, 0, 1, 2, 1, 1, 0],
    terminated: [0, 0, 1, 0, 0, 0, 0, 0],
    truncated: [0, 0, 0, 0, 0, 1, 0, 0],
  };
  const values = [0.5, 1, 1, 1, 1.5, 1, 0.2, 1];
  const lastValues = [2, 0.5];
  const finalValues = [0, 0, 9, 0, 0, 3, 0, 0]; // read only where truncated and not terminated

  it('adds γ·V(final observation) to truncated rewards only', () => {
    // Env 1 at t = 2: 1 + 0.9 · 3 = 3.7. Env 0's termination at t = 1 keeps its reward.
    const rewards = bootstrapTruncations(rollout, finalValues, 0.9);
    expect([...rewards]).toEqual([1, 0, 0, 1, 2, 1 + 0.9 * 3, 1, 0]);
    const both = { ...rollout, terminated: [0, 0, 0, 0, 0, 1, 0, 0] }; // terminated on the time-limit step
    expect(bootstrapTruncations(both, finalValues, 0.9)[5]).toBe(1);
  });

  it('GAE(λ) cuts at terminated and truncated steps', () => {
    const bootstrapped = { ...rollout, rewards: bootstrapTruncations(rollout, finalValues, 0.9) };
    const { advantages, returns } = gae(bootstrapped, values, lastValues, 0.9, 0.8);
    // Env 0, backwards from t = 3:
    //   δ3 = 1 + 0.9·2 − 0.2 = 2.6                  A3 = 2.6
    //   δ2 = 2 + 0.9·0.2 − 1.5 = 0.68               A2 = 0.68 + 0.72·2.6 = 2.552
    //   δ1 = 0 − 1 = −1 (terminated: no next value) A1 = −1 (nothing flows back)
    //   δ0 = 1 + 0.9·1 − 0.5 = 1.4                  A0 = 1.4 + 0.72·(−1) = 0.68
    // Env 1 (reward at t = 2 is 3.7 after bootstrapping):
    //   δ3 = 0 + 0.9·0.5 − 1 = −0.55                A3 = −0.55
    //   δ2 = 3.7 − 1 = 2.7 (truncated: cut)         A2 = 2.7
    //   δ1 = 1 + 0.9·1 − 1 = 0.9                    A1 = 0.9 + 0.72·2.7 = 2.844
    //   δ0 = 0 + 0.9·1 − 1 = −0.1                   A0 = −0.1 + 0.72·2.844 = 1.94768
    const expected = [0.68, 1.94768, -1, 2.844, 2.552, 2.7, 2.6, -0.55];
    expect([...advantages]).toEqual(expected.map((a) => expect.closeTo(a, 13)));
    // Returns A + V: 1.18, 2.94768, 0, 3.844, 4.052, 3.7, 2.8, 0.45.
    expect([...returns]).toEqual([1.18, 2.94768, 0, 3.844, 4.052, 3.7, 2.8, 0.45].map((r) => expect.closeTo(r, 13)));
  });

  it('GAE with λ = 1 equals the bootstrapped discounted returns minus values', () => {
    const { returns } = gae(rollout, values, lastValues, 0.9, 1);
    expect([...returns]).toEqual([...nStepReturns(rollout, values, lastValues, 0.9, Infinity)].map((r) => expect.closeTo(r, 13)));
  });

  it('n-step and Monte-Carlo returns', () => {
    // n = 2, env 0: t0: 1 + 0.9·0 (t1 terminated: stop) = 1; t1: 0; t2: 2 + 0.9·1 + 0.81·2 (last value) = 4.52;
    //   t3: 1 + 0.9·2 = 2.8 (one step left).
    // Env 1: t0: 0 + 0.9·1 + 0.81·V2 (1) = 1.71; t1: 1 + 0.9·1 (t2 truncated: stop) = 1.9; t2: 1; t3: 0 + 0.9·0.5 = 0.45.
    const twoStep = nStepReturns(rollout, values, lastValues, 0.9, 2);
    expect([...twoStep]).toEqual([1, 1.71, 0, 1.9, 4.52, 1, 2.8, 0.45].map((r) => expect.closeTo(r, 13)));
    // Monte Carlo with last values 0, env 0: t3: 1; t2: 2 + 0.9 = 2.9; t1: 0; t0: 1.
    // Env 1: t3: 0; t2: 1; t1: 1 + 0.9 = 1.9; t0: 0.9·1.9 = 1.71.
    const monteCarlo = nStepReturns(rollout, values, [0, 0], 0.9, Infinity);
    expect([...monteCarlo]).toEqual([1, 1.71, 0, 1.9, 2.9, 1, 1, 0].map((r) => expect.closeTo(r, 13)));
    // n = 1 is the one-step TD target r + γ (1 − d) V'.
    const oneStep = nStepReturns(rollout, values, lastValues, 0.9, 1);
    expect([...oneStep]).toEqual([1 + 0.9 * 1, 0 + 0.9 * 1, 0, 1 + 0.9, 2 + 0.9 * 0.2, 1, 1 + 0.9 * 2, 0.45].map((r) => expect.closeTo(r, 13)));
  });
});

// ---------------------------------------------------------------------------------------------
// Optimization

describe('optimization', () => {
  it('Adam with bias correction (hand-computed two steps)', () => {
    const params = Float64Array.of(1, -2);
    const adam = new Adam(2);
    // Step 1, g = (0.5, −0.1): m̂ = g, v̂ = g², so θ −= lr · g / (|g| + 1e-5).
    adam.step(params, [0.5, -0.1], 0.1);
    expect(params[0]).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-5), 15);
    expect(params[1]).toBeCloseTo(-2 + (0.1 * 0.1) / (0.1 + 1e-5), 15);
    // Step 2, g = (0.5, 0.3):
    //   m = (0.9·0.05 + 0.1·0.5, 0.9·(−0.01) + 0.1·0.3) = (0.095, 0.021), m̂ = m / 0.19
    //   v = (0.999·0.00025 + 0.001·0.25, 0.999·0.00001 + 0.001·0.09) = (0.00049975, 0.00009999), v̂ = v / 0.001999
    const before = Float64Array.from(params);
    adam.step(params, [0.5, 0.3], 0.1);
    expect(params[0]).toBeCloseTo(before[0] - (0.1 * (0.095 / 0.19)) / (Math.sqrt(0.00049975 / 0.001999) + 1e-5), 14);
    expect(params[1]).toBeCloseTo(before[1] - (0.1 * (0.021 / 0.19)) / (Math.sqrt(0.00009999 / 0.001999) + 1e-5), 14);
    expect(adam.t).toBe(2);
  });

  it('clips the global gradient norm as torch clip_grad_norm_', () => {
    const grads = Float64Array.of(3, 0, -4);
    expect(clipGradNorm(grads, 1)).toBe(5);
    expect([...grads]).toEqual([3 / (5 + 1e-6), 0, -4 / (5 + 1e-6)]);
    const small = Float64Array.of(0.3, 0.4);
    expect(clipGradNorm(small, 1)).toBeCloseTo(0.5, 15);
    expect([...small]).toEqual([0.3, 0.4]);
  });

  it('anneals the learning rate linearly from lr to lr / updates', () => {
    expect([0, 1, 2, 3].map((u) => linearLearningRate(2.5e-4, u, 4))).toEqual([2.5e-4, 1.875e-4, 1.25e-4, 6.25e-5]);
  });
});
