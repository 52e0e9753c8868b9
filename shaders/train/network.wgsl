// The policy-value network, run by one invocation per row (an env in the rollout, a sample in the
// update), as a program of dense stages read from a uniform table (src/train/program.ts). These
// networks are small (CartPole's two 64-64 torsos are 9k parameters): one invocation computing a
// whole row keeps the work of a step in one dispatch, where a kernel per layer would pay a dispatch
// per layer per step.
//
// Each row owns ACT_STRIDE floats of scratch in the train buffer (shaders/train/layout.wgsl, composed
// before this): the observation as floats at 0, then each stage's output after its activation at
// stage.output_at. The update kernels keep a second area of the same shape with the loss's gradient
// with respect to each stage's pre-activation output (dz).

struct Stage {
  inputs: u32,
  outputs: u32,
  // In float32 elements from the start of the parameter buffer: W [outputs, inputs], b [outputs].
  weight: u32,
  bias: u32,
  // Row scratch offsets of the input and output vectors.
  input_at: u32,
  output_at: u32,
  // ACT_NONE, ACT_TANH or ACT_RELU, applied to this stage's output.
  activation: u32,
  // The stage whose output is this one's input, or −1 for the observation.
  input_stage: i32,
}

const MAX_STAGES: u32 = 16u;
const ACT_NONE: u32 = 0u;
const ACT_TANH: u32 = 1u;
const ACT_RELU: u32 = 2u;

struct NetProgram {
  stages: array<Stage, MAX_STAGES>,
}

override NUM_STAGES: u32;
// Floats of one observation (the network's input width), and its words in the train buffer.
override INPUT_SIZE: u32;
override OBS_WORDS_IN: u32;
// 0: the observation words are f32; C > 0: packed MinAtar bits of C channels (src/vecenv/observation.ts).
override OBS_BIT_CHANNELS: u32 = 0u;
override ACT_STRIDE: u32;
override NUM_LOGITS: u32;
override LOGITS_AT: u32;
override HAS_VALUE: bool;
override VALUE_AT: u32 = 0u;

@group(1) @binding(0) var<uniform> program: NetProgram;
@group(1) @binding(1) var<storage, read> net_params: array<f32>;

fn activate(x: f32, kind: u32) -> f32 {
  // SwiftShader's tanh returns NaN beyond |x| ≈ 89; tanh(±10) already rounds to ±1.
  return select(select(x, max(x, 0.0), kind == ACT_RELU), tanh(clamp(x, -10.0, 10.0)), kind == ACT_TANH);
}

// act′ from the output y = act(x): relu′ = [y > 0], tanh′ = 1 − y².
fn activation_slope(y: f32, kind: u32) -> f32 {
  return select(select(1.0, select(0.0, 1.0, y > 0.0), kind == ACT_RELU), 1.0 - y * y, kind == ACT_TANH);
}

// Expands the observation words at words_at into the row's input floats.
fn net_load_input(row_at: u32, words_at: u32) {
  if (OBS_BIT_CHANNELS == 0u) {
    for (var j = 0u; j < INPUT_SIZE; j++) {
      train[row_at + j] = train[words_at + j];
    }
    return;
  }
  // Input j is cell k = j / C, channel c = j % C ([row][col][channel] order). (The max keeps the
  // constant-folded division of the f32 variant, where this is dead code, defined.)
  let channels = max(OBS_BIT_CHANNELS, 1u);
  for (var j = 0u; j < INPUT_SIZE; j++) {
    let k = j / channels;
    let c = j % channels;
    let word = train[words_at + c * 4u + (k >> 5u)];
    store_f(row_at + j, f32((word >> (k & 31u)) & 1u));
  }
}

fn net_forward(row_at: u32) {
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = program.stages[s];
    for (var o = 0u; o < st.outputs; o++) {
      var acc = net_params[st.bias + o];
      let w = st.weight + o * st.inputs;
      for (var j = 0u; j < st.inputs; j++) {
        acc += net_params[w + j] * load_f(row_at + st.input_at + j);
      }
      store_f(row_at + st.output_at + o, activate(acc, st.activation));
    }
  }
}

fn net_value(row_at: u32) -> f32 {
  if (HAS_VALUE) {
    return load_f(row_at + VALUE_AT);
  }
  return 0.0;
}

// log Σ exp(logits), with the maximum subtracted first.
fn log_normalizer(row_at: u32) -> f32 {
  var m = load_f(row_at + LOGITS_AT);
  for (var k = 1u; k < NUM_LOGITS; k++) {
    m = max(m, load_f(row_at + LOGITS_AT + k));
  }
  var sum = 0.0;
  for (var k = 0u; k < NUM_LOGITS; k++) {
    sum += exp(load_f(row_at + LOGITS_AT + k) - m);
  }
  return m + log(sum);
}

// The entropy −Σ p log p of the row's policy, given log_normalizer.
fn policy_entropy(row_at: u32, log_norm: f32) -> f32 {
  var h = 0.0;
  for (var k = 0u; k < NUM_LOGITS; k++) {
    let log_p = load_f(row_at + LOGITS_AT + k) - log_norm;
    h -= exp(log_p) * log_p;
  }
  return h;
}

// Inversion, as categoricalSample in src/nn/reference.ts: the smallest a with u < p₀ + … + p_a,
// else the last action with nonzero probability.
fn policy_sample(row_at: u32, log_norm: f32, u: f32) -> u32 {
  var cumulative = 0.0;
  var last = 0u;
  for (var a = 0u; a < NUM_LOGITS; a++) {
    let p = exp(load_f(row_at + LOGITS_AT + a) - log_norm);
    cumulative += p;
    if (u < cumulative) {
      return a;
    }
    if (p > 0.0) {
      last = a;
    }
  }
  return last;
}

// The most probable action (the first of equals).
fn policy_greedy(row_at: u32) -> u32 {
  var best = 0u;
  for (var a = 1u; a < NUM_LOGITS; a++) {
    if (load_f(row_at + LOGITS_AT + a) > load_f(row_at + LOGITS_AT + best)) {
      best = a;
    }
  }
  return best;
}
