import type { Layer, Network } from './params.ts';

/**
 * The float64 reference of everything training computes: network forward and backward passes on a
 * batch, the policy distributions, the PPO, A2C and REINFORCE losses with their gradients with
 * respect to every parameter, returns and advantages, Adam, gradient clipping and the learning-rate
 * schedule. The WGSL kernels are tested against these functions, so each one is written for
 * clarity, with the formulas in its comment, and follows CleanRL where conventions differ.
 *
 * Conventions: a batch of B items is stored batch-major (item b's vector at b × width); parameters
 * and their gradients use the flat layout of params.ts, as Float64Array (or any numbers, for reading).
 * Backward functions add into `grads`, so gradients of several terms accumulate.
 */

type Numbers = ArrayLike<number>;

// ---------------------------------------------------------------------------------------------
// Layers

function layerOutputSize(layer: Layer, inputSize: number): number {
  switch (layer.kind) {
    case 'dense':
      return layer.outputs;
    case 'conv3x3':
      return layer.outChannels * (layer.height - 2) * (layer.width - 2);
    default:
      return inputSize;
  }
}

/**
 * One layer on a batch. dense: y = W x + b with W [out, in]. conv3x3: cross-correlation as
 * nn.Conv2d, valid, stride 1: y[o][r][c] = b[o] + Σ_{i,ky,kx} W[o][i][ky][kx] · x[r+ky][c+kx][i],
 * reading the [row][col][channel] input and writing a [channel][row][col] output. flatten: the
 * identity on memory (see Layer in params.ts).
 */
export function layerForward(layer: Layer, params: Numbers, x: Float64Array, batch: number): Float64Array {
  const inSize = x.length / batch;
  const outSize = layerOutputSize(layer, inSize);
  switch (layer.kind) {
    case 'dense': {
      const y = new Float64Array(batch * outSize);
      const w = layer.weight.offset;
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < layer.outputs; o++) {
          let sum = params[layer.bias.offset + o];
          for (let i = 0; i < layer.inputs; i++) sum += params[w + o * layer.inputs + i] * x[b * inSize + i];
          y[b * outSize + o] = sum;
        }
      }
      return y;
    }
    case 'conv3x3': {
      const y = new Float64Array(batch * outSize);
      const { height, width, inChannels, outChannels } = layer;
      const outH = height - 2;
      const outW = width - 2;
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < outChannels; o++) {
          for (let r = 0; r < outH; r++) {
            for (let c = 0; c < outW; c++) {
              let sum = params[layer.bias.offset + o];
              for (let i = 0; i < inChannels; i++) {
                for (let ky = 0; ky < 3; ky++) {
                  for (let kx = 0; kx < 3; kx++) {
                    const weight = params[layer.weight.offset + ((o * inChannels + i) * 3 + ky) * 3 + kx];
                    sum += weight * x[b * inSize + ((r + ky) * width + (c + kx)) * inChannels + i];
                  }
                }
              }
              y[b * outSize + (o * outH + r) * outW + c] = sum;
            }
          }
        }
      }
      return y;
    }
    case 'activation':
      return x.map(layer.fn === 'relu' ? (v) => Math.max(v, 0) : Math.tanh);
    case 'flatten':
      return x;
  }
}

/**
 * The gradient with respect to the layer's input, given its input x, output y and the gradient dy
 * of its output; adds the parameter gradients into grads. relu′ = [y > 0], tanh′ = 1 − y².
 */
export function layerBackward(
  layer: Layer,
  params: Numbers,
  x: Float64Array,
  y: Float64Array,
  dy: Float64Array,
  batch: number,
  grads: Float64Array,
): Float64Array {
  const inSize = x.length / batch;
  const outSize = y.length / batch;
  switch (layer.kind) {
    case 'dense': {
      const dx = new Float64Array(x.length);
      const w = layer.weight.offset;
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < layer.outputs; o++) {
          const g = dy[b * outSize + o];
          grads[layer.bias.offset + o] += g;
          for (let i = 0; i < layer.inputs; i++) {
            grads[w + o * layer.inputs + i] += g * x[b * inSize + i];
            dx[b * inSize + i] += g * params[w + o * layer.inputs + i];
          }
        }
      }
      return dx;
    }
    case 'conv3x3': {
      const dx = new Float64Array(x.length);
      const { height, width, inChannels, outChannels } = layer;
      const outH = height - 2;
      const outW = width - 2;
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < outChannels; o++) {
          for (let r = 0; r < outH; r++) {
            for (let c = 0; c < outW; c++) {
              const g = dy[b * outSize + (o * outH + r) * outW + c];
              grads[layer.bias.offset + o] += g;
              for (let i = 0; i < inChannels; i++) {
                for (let ky = 0; ky < 3; ky++) {
                  for (let kx = 0; kx < 3; kx++) {
                    const wIndex = layer.weight.offset + ((o * inChannels + i) * 3 + ky) * 3 + kx;
                    const xIndex = b * inSize + ((r + ky) * width + (c + kx)) * inChannels + i;
                    grads[wIndex] += g * x[xIndex];
                    dx[xIndex] += g * params[wIndex];
                  }
                }
              }
            }
          }
        }
      }
      return dx;
    }
    case 'activation':
      return layer.fn === 'relu' ? dy.map((g, k) => (y[k] > 0 ? g : 0)) : dy.map((g, k) => g * (1 - y[k] * y[k]));
    case 'flatten':
      return dy;
  }
}

/** Runs layers in order; returns every intermediate: [input, output of layer 0, …, final output]. */
function runLayers(layers: readonly Layer[], params: Numbers, input: Float64Array, batch: number): Float64Array[] {
  const values = [input];
  for (const layer of layers) values.push(layerForward(layer, params, values[values.length - 1], batch));
  return values;
}

/** Backpropagates dOut through layers run by runLayers; returns the gradient of their input. */
function backLayers(
  layers: readonly Layer[],
  params: Numbers,
  values: Float64Array[],
  dOut: Float64Array,
  batch: number,
  grads: Float64Array,
): Float64Array {
  let d = dOut;
  for (let k = layers.length - 1; k >= 0; k--) d = layerBackward(layers[k], params, values[k], values[k + 1], d, batch, grads);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Network

export interface ForwardPass {
  batch: number;
  /** Intermediates of each part (see runLayers); shared[0] is the observation batch. */
  shared: Float64Array[];
  actor: Float64Array[];
  critic: Float64Array[] | null;
  /** [B × policySize]: logits, or the Gaussian means. */
  policy: Float64Array;
  /** [B]: state values, or null without a critic. */
  value: Float64Array | null;
}

/** The network on a batch of observations (B × inputSize floats, the env's layout). */
export function forward(net: Network, params: Numbers, obs: Numbers, batch: number): ForwardPass {
  if (obs.length !== batch * net.inputSize) {
    throw new RangeError(`forward: expected ${batch} × ${net.inputSize} observation floats, got ${obs.length}`);
  }
  const shared = runLayers(net.shared, params, Float64Array.from(obs), batch);
  const features = shared[shared.length - 1];
  const actor = runLayers(net.actor, params, features, batch);
  const critic = net.critic ? runLayers(net.critic, params, features, batch) : null;
  return {
    batch,
    shared,
    actor,
    critic,
    policy: actor[actor.length - 1],
    value: critic ? critic[critic.length - 1] : null,
  };
}

/**
 * Adds into grads the gradient of a loss whose derivatives with respect to the network's outputs
 * are dPolicy [B × policySize] and dValue [B] (null: the loss does not depend on the value). The
 * gradients of the two heads meet at the shared features and add up there.
 */
export function backward(
  net: Network,
  params: Numbers,
  pass: ForwardPass,
  dPolicy: Float64Array,
  dValue: Float64Array | null,
  grads: Float64Array,
): void {
  const dFeatures = backLayers(net.actor, params, pass.actor, dPolicy, pass.batch, grads);
  if (net.critic && pass.critic && dValue) {
    const dCritic = backLayers(net.critic, params, pass.critic, dValue, pass.batch, grads);
    for (let k = 0; k < dFeatures.length; k++) dFeatures[k] += dCritic[k];
  }
  backLayers(net.shared, params, pass.shared, dFeatures, pass.batch, grads);
}

// ---------------------------------------------------------------------------------------------
// Policy distributions

/** log softmax of one row of logits: l − log Σ exp(l), with the maximum subtracted first. */
export function logSoftmax(logits: Numbers): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k]);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) sum += Math.exp(logits[k] - max);
  const logNorm = max + Math.log(sum);
  return Float64Array.from(logits, (l) => l - logNorm);
}

/**
 * A categorical sample by inversion: the smallest action a with u < p₀ + … + p_a, for u uniform in
 * [0, 1). If rounding leaves the total below u, the last action with nonzero probability is taken.
 */
export function categoricalSample(logits: Numbers, u: number): number {
  const logProbs = logSoftmax(logits);
  let cumulative = 0;
  let last = 0;
  for (let a = 0; a < logProbs.length; a++) {
    const p = Math.exp(logProbs[a]);
    cumulative += p;
    if (u < cumulative) return a;
    if (p > 0) last = a;
  }
  return last;
}

export interface PolicyTerms {
  /** [B]: log π(a_b | s_b) of the batch's actions. */
  logProb: Float64Array;
  /** [B]: the entropy of π(· | s_b). */
  entropy: Float64Array;
}

/**
 * log-probabilities of the taken actions and entropies. Categorical (actions: B integer indices):
 * log p_a = l_a − log Σ exp(l), H = −Σ p log p. Diagonal Gaussian (actions: B × d floats, std
 * σ = exp(actor_logstd) for every state): log p = Σ_d [−(a − μ)² / (2σ²) − log σ − ½ log 2π],
 * H = Σ_d [½ + ½ log 2π + log σ]. Actions are taken as sampled, unclipped (the env clips).
 */
export function policyTerms(net: Network, params: Numbers, policy: Float64Array, actions: Numbers, batch: number): PolicyTerms {
  const logProb = new Float64Array(batch);
  const entropy = new Float64Array(batch);
  const n = net.policySize;
  if (net.logStd === null) {
    checkDiscreteActions(actions, batch, n);
    for (let b = 0; b < batch; b++) {
      const logProbs = logSoftmax(policy.subarray(b * n, (b + 1) * n));
      logProb[b] = logProbs[actions[b]];
      for (const lp of logProbs) entropy[b] -= Math.exp(lp) * lp;
    }
  } else {
    if (actions.length !== batch * n) throw new RangeError(`expected ${batch} × ${n} continuous actions, got ${actions.length}`);
    for (let b = 0; b < batch; b++) {
      for (let d = 0; d < n; d++) {
        const logStd = params[net.logStd.offset + d];
        const z = (actions[b * n + d] - policy[b * n + d]) / Math.exp(logStd);
        logProb[b] += -0.5 * z * z - logStd - HALF_LOG_2PI;
        entropy[b] += 0.5 + HALF_LOG_2PI + logStd;
      }
    }
  }
  return { logProb, entropy };
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function checkDiscreteActions(actions: Numbers, batch: number, n: number): void {
  if (actions.length !== batch) throw new RangeError(`expected ${batch} discrete actions, got ${actions.length}`);
  for (let b = 0; b < batch; b++) {
    if (!Number.isInteger(actions[b]) || actions[b] < 0 || actions[b] >= n) {
      throw new RangeError(`action ${actions[b]} at batch index ${b} is not in [0, ${n})`);
    }
  }
}

/**
 * Given dLogProb and dEntropy (the loss's derivatives with respect to policyTerms' outputs),
 * returns the gradient with respect to the policy output and adds the log-std's into grads.
 * Categorical: ∂log p_a/∂l_j = [j = a] − p_j, ∂H/∂l_j = −p_j (log p_j + H). Gaussian, with
 * z = (a − μ)/σ: ∂log p/∂μ = z/σ, ∂log p/∂log σ = z² − 1, ∂H/∂log σ = 1.
 */
export function policyTermsBackward(
  net: Network,
  params: Numbers,
  policy: Float64Array,
  actions: Numbers,
  terms: PolicyTerms,
  dLogProb: Float64Array,
  dEntropy: Float64Array,
  grads: Float64Array,
): Float64Array {
  const batch = dLogProb.length;
  const n = net.policySize;
  const dPolicy = new Float64Array(policy.length);
  for (let b = 0; b < batch; b++) {
    if (net.logStd === null) {
      const logProbs = logSoftmax(policy.subarray(b * n, (b + 1) * n));
      for (let j = 0; j < n; j++) {
        const p = Math.exp(logProbs[j]);
        const dLogProbJ = (j === actions[b] ? 1 : 0) - p;
        const dEntropyJ = -p * (logProbs[j] + terms.entropy[b]);
        dPolicy[b * n + j] = dLogProb[b] * dLogProbJ + dEntropy[b] * dEntropyJ;
      }
    } else {
      for (let d = 0; d < n; d++) {
        const std = Math.exp(params[net.logStd.offset + d]);
        const z = (actions[b * n + d] - policy[b * n + d]) / std;
        dPolicy[b * n + d] = (dLogProb[b] * z) / std;
        grads[net.logStd.offset + d] += dLogProb[b] * (z * z - 1) + dEntropy[b];
      }
    }
  }
  return dPolicy;
}

// ---------------------------------------------------------------------------------------------
// Objectives: losses as functions of log-probabilities, entropies and values

/** What a loss reads from the network, per batch item. */
export interface Evaluation extends PolicyTerms {
  value: Float64Array | null;
}

export interface LossStats {
  /** The policy term, the value term before vfCoef (½ mean squared error), the mean entropy. */
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  /** PPO only: mean of (r − 1) − log r (CleanRL's approx_kl) and the fraction with |r − 1| > clip. */
  approxKl?: number;
  clipFraction?: number;
}

/** A loss and its derivatives with respect to each item's log-probability, entropy and value. */
export interface Objective {
  loss: number;
  dLogProb: Float64Array;
  dEntropy: Float64Array;
  dValue: Float64Array | null;
  stats: LossStats;
}

/** Coefficients shared by all losses: loss = policy − entCoef · entropy + vfCoef · value. */
export interface LossCoefficients {
  entCoef: number;
  vfCoef: number;
  /** Normalize the advantages of each minibatch to mean 0, std 1 (see normalizeAdvantages). */
  normalizeAdvantages: boolean;
}

export interface PpoConfig extends LossCoefficients {
  clipCoef: number;
  /** Clip the value loss as CleanRL's clip_vloss (and PPO2) do. */
  clipValueLoss: boolean;
}

/**
 * (A − mean) / (std + 1e-8) over one minibatch, with the unbiased std (n − 1), as CleanRL's
 * torch .std(). (PureJaxRL's jnp.std divides by n; the two differ by √(n / (n − 1)).)
 */
export function normalizeAdvantages(advantages: Numbers): Float64Array {
  const n = advantages.length;
  if (n < 2) throw new RangeError(`advantage normalization needs at least 2 items, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += advantages[i] / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (advantages[i] - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  return Float64Array.from(advantages, (a) => (a - mean) / (std + 1e-8));
}

/** The entropy bonus −entCoef · mean H, shared by every loss. */
function entropyBonus(ev: Evaluation, entCoef: number): { loss: number; mean: number; dEntropy: Float64Array } {
  const n = ev.entropy.length;
  const mean = ev.entropy.reduce((a, b) => a + b, 0) / n;
  return { loss: -entCoef * mean, mean, dEntropy: new Float64Array(n).fill(-entCoef / n) };
}

export interface PpoTargets {
  /** log π_old(a | s) and V_old(s), recorded when the rollout was collected. */
  oldLogProb: Numbers;
  oldValue: Numbers;
  advantages: Numbers;
  /** Value targets (advantages + old values under GAE). */
  returns: Numbers;
}

/**
 * CleanRL's PPO loss on one minibatch, with r = exp(log π − log π_old) and Â the (optionally
 * normalized) advantages:
 *   policy = mean max(−Â r, −Â clip(r, 1 − ε, 1 + ε))
 *   value  = ½ mean max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²), or ½ mean (V − R)² unclipped
 *   loss   = policy − entCoef · mean H + vfCoef · value.
 * Where the clipped term is the larger one the clip is active, so that term is constant in the
 * parameters and its gradient is zero; ties take the unclipped term's gradient.
 */
export function ppoObjective(ev: Evaluation, targets: PpoTargets, config: PpoConfig): Objective {
  const value = requireValue(ev, 'PPO');
  const n = ev.logProb.length;
  const adv = config.normalizeAdvantages ? normalizeAdvantages(targets.advantages) : Float64Array.from(targets.advantages);
  const eps = config.clipCoef;
  const dLogProb = new Float64Array(n);
  const dValue = new Float64Array(n);
  let policyLoss = 0;
  let valueLoss = 0;
  let approxKl = 0;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const logRatio = ev.logProb[i] - targets.oldLogProb[i];
    const ratio = Math.exp(logRatio);
    approxKl += (ratio - 1 - logRatio) / n;
    if (Math.abs(ratio - 1) > eps) clipped++;
    const unclippedPg = -adv[i] * ratio;
    const clippedPg = -adv[i] * Math.min(Math.max(ratio, 1 - eps), 1 + eps);
    if (unclippedPg >= clippedPg) {
      policyLoss += unclippedPg / n;
      dLogProb[i] = (-adv[i] * ratio) / n; // ∂r/∂log π = r
    } else {
      policyLoss += clippedPg / n;
    }

    const error = value[i] - targets.returns[i];
    const clippedValue = targets.oldValue[i] + Math.min(Math.max(value[i] - targets.oldValue[i], -eps), eps);
    const clippedError = clippedValue - targets.returns[i];
    if (!config.clipValueLoss || error * error >= clippedError * clippedError) {
      valueLoss += (0.5 * error * error) / n;
      dValue[i] = (config.vfCoef * error) / n;
    } else {
      valueLoss += (0.5 * clippedError * clippedError) / n;
    }
  }
  const bonus = entropyBonus(ev, config.entCoef);
  return {
    loss: policyLoss + bonus.loss + config.vfCoef * valueLoss,
    dLogProb,
    dEntropy: bonus.dEntropy,
    dValue,
    stats: { policyLoss, valueLoss, entropy: bonus.mean, approxKl, clipFraction: clipped / n },
  };
}

/**
 * The vanilla policy-gradient loss behind A2C and REINFORCE:
 *   policy = −mean Â log π(a | s), value = ½ mean (V − R)² (when returns are given), and
 *   loss = policy − entCoef · mean H + vfCoef · value.
 * The value loss has CleanRL's ½ in every loss here; Stable-Baselines3's A2C has none, so its
 * vf_coef 0.5 is vfCoef 1 here.
 */
function policyGradientObjective(ev: Evaluation, advantages: Numbers, returns: Numbers | null, config: LossCoefficients): Objective {
  const n = ev.logProb.length;
  const adv = config.normalizeAdvantages ? normalizeAdvantages(advantages) : Float64Array.from(advantages);
  const dLogProb = adv.map((a) => -a / n);
  let policyLoss = 0;
  for (let i = 0; i < n; i++) policyLoss -= (adv[i] * ev.logProb[i]) / n;
  let valueLoss = 0;
  let dValue: Float64Array | null = null;
  if (returns) {
    const value = requireValue(ev, 'a value loss');
    dValue = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const error = value[i] - returns[i];
      valueLoss += (0.5 * error * error) / n;
      dValue[i] = (config.vfCoef * error) / n;
    }
  }
  const bonus = entropyBonus(ev, config.entCoef);
  return {
    loss: policyLoss + bonus.loss + config.vfCoef * valueLoss,
    dLogProb,
    dEntropy: bonus.dEntropy,
    dValue,
    stats: { policyLoss, valueLoss, entropy: bonus.mean },
  };
}

export interface A2cTargets {
  /** Advantages from the rollout (GAE or n-step returns minus values) and the value targets. */
  advantages: Numbers;
  returns: Numbers;
}

/** A2C: the policy-gradient loss with the caller's advantages, a value loss and the entropy bonus. */
export function a2cObjective(ev: Evaluation, targets: A2cTargets, config: LossCoefficients): Objective {
  return policyGradientObjective(ev, targets.advantages, targets.returns, config);
}

export interface ReinforceConfig extends LossCoefficients {
  /** Subtract V(s) (not differentiated) from the returns, and fit V to them. Needs a critic. */
  baseline: boolean;
}

/**
 * REINFORCE on Monte-Carlo returns G: Â = G − V(s) with a baseline (V is treated as a constant
 * there and trained by the value loss), else Â = G with no value loss.
 */
export function reinforceObjective(ev: Evaluation, returns: Numbers, config: ReinforceConfig): Objective {
  if (!config.baseline) return policyGradientObjective(ev, returns, null, config);
  const value = requireValue(ev, 'a REINFORCE baseline');
  return policyGradientObjective(ev, Float64Array.from(returns, (g, i) => g - value[i]), returns, config);
}

function requireValue(ev: Evaluation, what: string): Float64Array {
  if (!ev.value) throw new RangeError(`${what} needs a network with a critic`);
  return ev.value;
}

// ---------------------------------------------------------------------------------------------
// Losses with gradients with respect to every parameter

export interface Minibatch {
  size: number;
  /** size × inputSize observation floats. */
  obs: Numbers;
  /** size action indices (categorical) or size × actionDim floats (Gaussian). */
  actions: Numbers;
}

export interface LossResult {
  loss: number;
  /** ∂loss/∂params, in the flat layout. */
  grads: Float64Array;
  stats: LossStats;
}

/** Forward, the objective on the evaluation, then backward through the policy terms and the network. */
export function lossWithGradients(net: Network, params: Numbers, batch: Minibatch, objective: (ev: Evaluation) => Objective): LossResult {
  const pass = forward(net, params, batch.obs, batch.size);
  const terms = policyTerms(net, params, pass.policy, batch.actions, batch.size);
  const result = objective({ ...terms, value: pass.value });
  const grads = new Float64Array(net.layout.size);
  const dPolicy = policyTermsBackward(net, params, pass.policy, batch.actions, terms, result.dLogProb, result.dEntropy, grads);
  backward(net, params, pass, dPolicy, result.dValue, grads);
  return { loss: result.loss, grads, stats: result.stats };
}

export function ppoLoss(net: Network, params: Numbers, batch: Minibatch & PpoTargets, config: PpoConfig): LossResult {
  return lossWithGradients(net, params, batch, (ev) => ppoObjective(ev, batch, config));
}

export function a2cLoss(net: Network, params: Numbers, batch: Minibatch & A2cTargets, config: LossCoefficients): LossResult {
  return lossWithGradients(net, params, batch, (ev) => a2cObjective(ev, batch, config));
}

export function reinforceLoss(net: Network, params: Numbers, batch: Minibatch & { returns: Numbers }, config: ReinforceConfig): LossResult {
  return lossWithGradients(net, params, batch, (ev) => reinforceObjective(ev, batch.returns, config));
}

// ---------------------------------------------------------------------------------------------
// Returns and advantages

/**
 * A rollout of T steps of N envs, time-major (step t of env i at t·N + i), as the VecEnv reports
 * it: the reward, terminated and truncated of step t belong to the action taken in observation t.
 * A nonzero flag means set.
 */
export interface Rollout {
  numEnvs: number;
  rewards: Numbers;
  terminated: Numbers;
  truncated: Numbers;
}

/**
 * Gymnasium's two endings differ in what follows the step. After `terminated` the true next value
 * is 0. After `truncated` (a time limit) the episode could have gone on: the target should add
 * γ·V(final observation), and the VecEnv has already replaced the next observation by a reset one.
 *
 * The return functions below treat both flags alike: the step's target uses no next value and no
 * advantage or return flows back across it. Bootstrapping a truncation is the caller's business,
 * done before, in the reward: r_t ← r_t + γ·V(finalObs_t) where truncated and not terminated (a
 * step with both flags set ended for real). This returns those rewards; finalValues [T × N] are
 * read only at such steps.
 */
export function bootstrapTruncations(rollout: Rollout, finalValues: Numbers, gamma: number): Float64Array {
  return Float64Array.from(rollout.rewards, (r, k) => (rollout.truncated[k] && !rollout.terminated[k] ? r + gamma * finalValues[k] : r));
}

function rolloutSteps(rollout: Rollout, values: Numbers, lastValues: Numbers): number {
  const { numEnvs, rewards } = rollout;
  const steps = rewards.length / numEnvs;
  if (!Number.isInteger(steps) || values.length !== rewards.length || lastValues.length !== numEnvs) {
    throw new RangeError(`rollout: ${rewards.length} rewards, ${values.length} values, ${lastValues.length} last values for ${numEnvs} envs`);
  }
  return steps;
}

const ended = (rollout: Rollout, k: number) => Boolean(rollout.terminated[k] || rollout.truncated[k]);

/**
 * GAE(λ), as CleanRL and PureJaxRL compute it, with d_t = 1 when step t terminated or truncated:
 *   δ_t = r_t + γ (1 − d_t) V_{t+1} − V_t,   A_t = δ_t + γλ (1 − d_t) A_{t+1},
 * where V_t = values[t] (the value of observation t), V_T = lastValues (the observation after the
 * last step) and A_T = 0. Returns R_t = A_t + V_t are the value targets.
 */
export function gae(
  rollout: Rollout,
  values: Numbers,
  lastValues: Numbers,
  gamma: number,
  lambda: number,
): { advantages: Float64Array; returns: Float64Array } {
  const steps = rolloutSteps(rollout, values, lastValues);
  const n = rollout.numEnvs;
  const advantages = new Float64Array(steps * n);
  for (let i = 0; i < n; i++) {
    let nextAdvantage = 0;
    let nextValue = lastValues[i];
    for (let t = steps - 1; t >= 0; t--) {
      const k = t * n + i;
      const notDone = ended(rollout, k) ? 0 : 1;
      const delta = rollout.rewards[k] + gamma * notDone * nextValue - values[k];
      nextAdvantage = delta + gamma * lambda * notDone * nextAdvantage;
      advantages[k] = nextAdvantage;
      nextValue = values[k];
    }
  }
  return { advantages, returns: advantages.map((a, k) => a + values[k]) };
}

/**
 * n-step returns: R_t = r_t + γ r_{t+1} + … + γ^{m−1} r_{t+m−1} + γ^m V_{t+m} with m = min(n, T − t)
 * (V_T = lastValues), cut at the first step that terminated or truncated, which then adds no value.
 * n = Infinity gives bootstrapped Monte-Carlo returns; with lastValues of 0 they are REINFORCE's
 * returns, exact for the steps whose episode ended within the rollout.
 */
export function nStepReturns(rollout: Rollout, values: Numbers, lastValues: Numbers, gamma: number, nSteps: number): Float64Array {
  const steps = rolloutSteps(rollout, values, lastValues);
  const n = rollout.numEnvs;
  const returns = new Float64Array(steps * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < steps; t++) {
      const horizon = Math.min(t + nSteps, steps);
      let total = 0;
      let discount = 1;
      let u = t;
      for (; u < horizon; u++) {
        total += discount * rollout.rewards[u * n + i];
        discount *= gamma;
        if (ended(rollout, u * n + i)) break;
      }
      if (u === horizon) total += discount * (horizon === steps ? lastValues[i] : values[horizon * n + i]);
      returns[t * n + i] = total;
    }
  }
  return returns;
}

// ---------------------------------------------------------------------------------------------
// Optimization

export function globalNorm(grads: Numbers): number {
  let sum = 0;
  for (let k = 0; k < grads.length; k++) sum += grads[k] * grads[k];
  return Math.sqrt(sum);
}

/**
 * Global-norm clipping as torch.nn.utils.clip_grad_norm_ (CleanRL's max_grad_norm): scales grads
 * in place by maxNorm / (‖g‖ + 1e-6) when that is below 1. Returns ‖g‖ before clipping.
 */
export function clipGradNorm(grads: Float64Array, maxNorm: number): number {
  const norm = globalNorm(grads);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) for (let k = 0; k < grads.length; k++) grads[k] *= scale;
  return norm;
}

export interface AdamConfig {
  beta1: number;
  beta2: number;
  eps: number;
}

/** torch.optim.Adam's betas with CleanRL's PPO eps (1e-5; PyTorch's default is 1e-8). */
export const ADAM_DEFAULTS: Readonly<AdamConfig> = { beta1: 0.9, beta2: 0.999, eps: 1e-5 };

/**
 * Adam as torch.optim.Adam and optax.adam compute it (no weight decay):
 *   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  θ ← θ − lr · m̂ / (√v̂ + eps),
 * with m̂ = m / (1 − β₁^t), v̂ = v / (1 − β₂^t) at step t = 1, 2, …
 */
export class Adam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Updates taken so far. */
  t = 0;

  constructor(
    size: number,
    readonly config: AdamConfig = ADAM_DEFAULTS,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(params: Float64Array, grads: Numbers, lr: number): void {
    const { beta1, beta2, eps } = this.config;
    this.t++;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    for (let k = 0; k < params.length; k++) {
      this.m[k] = beta1 * this.m[k] + (1 - beta1) * grads[k];
      this.v[k] = beta2 * this.v[k] + (1 - beta2) * grads[k] * grads[k];
      params[k] -= (lr * (this.m[k] / correction1)) / (Math.sqrt(this.v[k] / correction2) + eps);
    }
  }
}

/**
 * Linear annealing: lr · (1 − update / totalUpdates) for update = 0, 1, …, totalUpdates − 1, so the
 * first update uses lr and the last lr / totalUpdates. This is CleanRL's frac = 1 − (iteration − 1)
 * / num_iterations with iteration = update + 1, and PureJaxRL's linear_schedule.
 */
export function linearLearningRate(lr: number, update: number, totalUpdates: number): number {
  return lr * (1 - update / totalUpdates);
}
