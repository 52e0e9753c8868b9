// Every sample of the current minibatch: forward pass, loss terms, and the backward pass from the
// loss to the gradient dz of each stage's pre-activation output, left in RO_DZ for
// parameter_gradients. One invocation per four samples (a quad, network.wgsl), the loss worked out
// for the four at once as vec4s. Composed after update.wgsl.
// Losses as ppoObjective and policyGradientObjective in src/nn/reference.ts, each a mean over the
// minibatch: loss = policy − ENT_COEF · entropy + VF_COEF · value.
// Grid: ⌈⌈MINIBATCH_ROWS / 4⌉ / SAMPLE_WORKGROUP⌉ × seeds.

const LOSS_PPO: u32 = 0u;
// −Â log π with the rollout's advantages (A2C, REINFORCE).
const LOSS_POLICY_GRADIENT: u32 = 1u;

override LOSS_KIND: u32;
override CLIP_COEF: f32 = 0.2;
override CLIP_VALUE_LOSS: bool = false;
override ENT_COEF: f32;
override VF_COEF: f32;
override NORMALIZE_ADVANTAGES: bool;

// Quads per workgroup. With packed-bits observations 32: one word of RO_INPUT_QUADS per block, and
// PureJaxRL's MinAtar minibatch of 1,024 samples in eight workgroups. Otherwise fewer, so that a
// small minibatch (CleanRL's CartPole: 128 samples) spreads over a software adapter's threads.
override SAMPLE_WORKGROUP: u32 = 32u;
var<workgroup> partial_sums: array<f32, SAMPLE_WORKGROUP>;
// Each quad's blocks of 8 inputs with one set (bit b of word b / 32): at most 1,024 inputs.
var<workgroup> quad_input_blocks: array<vec4<u32>, SAMPLE_WORKGROUP>;

// Σ over the workgroup of each invocation's x, returned to all of them.
fn workgroup_sum(local_index: u32, x: f32) -> f32 {
  partial_sums[local_index] = x;
  workgroupBarrier();
  var total = 0.0;
  for (var k = 0u; k < SAMPLE_WORKGROUP; k++) {
    total += partial_sums[k];
  }
  workgroupBarrier();
  return total;
}

// The blocks of 8 inputs (packed bits) with one set in one of the observations whose words are at
// words_at, as bits: b of word b / 32. A block holding some of a cell's inputs counts as set where
// any channel of that cell is: a few more quads gone through, for a test per cell, not per input.
fn input_blocks_set(words_at: vec4<u32>) -> vec4<u32> {
  let channels = max(OBS_BIT_CHANNELS, 1u);
  var cells = vec4(0u);
  for (var c = 0u; c < channels; c++) {
    for (var w = 0u; w < 4u; w++) {
      let at = c * 4u + w;
      cells[w] |= load_w(words_at.x + at) | load_w(words_at.y + at) | load_w(words_at.z + at) | load_w(words_at.w + at);
    }
  }
  var blocks = vec4(0u);
  for (var b = 0u; 8u * b < padded_width(INPUT_SIZE); b++) {
    let first = 8u * b;
    let last = min(first + 7u, INPUT_SIZE - 1u);
    // The block with the padding's 1, which multiplies the bias, is always set.
    var any_set = first + 7u >= INPUT_SIZE;
    for (var k = first / channels; 8u * b < INPUT_SIZE && k <= last / channels; k++) {
      any_set = any_set || ((cells[k / 32u] >> (k % 32u)) & 1u) != 0u;
    }
    blocks[b / 32u] |= select(0u, 1u << (b % 32u), any_set);
  }
  return blocks;
}

// Writes the workgroup's word of RO_INPUT_QUADS for each block from each invocation's
// input_blocks_set: quad 32·w + l of workgroup w is bit l of word w.
fn record_input_quads(local_index: u32, workgroup: u32, blocks: vec4<u32>) {
  quad_input_blocks[local_index] = blocks;
  workgroupBarrier();
  for (var b = local_index; 8u * b < padded_width(INPUT_SIZE); b += SAMPLE_WORKGROUP) {
    var bits = 0u;
    for (var l = 0u; l < SAMPLE_WORKGROUP; l++) {
      bits |= ((quad_input_blocks[l][b / 32u] >> (b % 32u)) & 1u) << l;
    }
    store_w(RO_INPUT_QUADS + b * input_quad_words() + workgroup, bits);
  }
}

// The floats at section + k of each of the four rows k.
fn gather_f(section: u32, k: vec4<u32>) -> vec4<f32> {
  return vec4(load_f(section + k.x), load_f(section + k.y), load_f(section + k.z), load_f(section + k.w));
}

@compute @workgroup_size(SAMPLE_WORKGROUP)
fn sample_gradients(
  @builtin(global_invocation_id) id: vec3<u32>,
  @builtin(local_invocation_index) local_index: u32,
  @builtin(workgroup_id) workgroup: vec3<u32>,
) {
  // Each run of a seed grid (layout.wgsl) a row of workgroups, shuffling with its own seed.
  use_seed(workgroup.y);
  let n = MINIBATCH_ROWS;
  let shuffle = shuffle_new(SEED + seed_run(), current_epoch(), ROLLOUT_STEPS * ROLLOUT_ENVS);

  // The minibatch's advantage mean and std (n − 1, as torch's .std()), which every workgroup works
  // out for itself: a few reads each beats another dispatch.
  var mean = 0.0;
  var deviation = 1.0;
  if (NORMALIZE_ADVANTAGES) {
    var sum = 0.0;
    for (var r = local_index; r < n; r += SAMPLE_WORKGROUP) {
      sum += load_f(RO_ADVANTAGES + minibatch_row(shuffle, r));
    }
    mean = workgroup_sum(local_index, sum) / f32(n);
    var squares = 0.0;
    for (var r = local_index; r < n; r += SAMPLE_WORKGROUP) {
      let d = load_f(RO_ADVANTAGES + minibatch_row(shuffle, r)) - mean;
      squares += d * d;
    }
    deviation = sqrt(workgroup_sum(local_index, squares) / f32(n - 1u));
  }

  // The quad's samples; one past the minibatch's end stands in for the last and gets no weight.
  let q = id.x;
  let rows = 4u * q + vec4(0u, 1u, 2u, 3u);
  let valid = rows < vec4(n);
  let weight = select(vec4(0.0), vec4(1.0), valid);
  let last = min(rows, vec4(n - 1u));
  let k = vec4(minibatch_row(shuffle, last.x), minibatch_row(shuffle, last.y), minibatch_row(shuffle, last.z), minibatch_row(shuffle, last.w));
  let words_at = RO_OBS + k * OBS_WORDS_IN;
  if (OBS_BIT_CHANNELS > 0u) {
    record_input_quads(local_index, workgroup.x, select(vec4(0u), input_blocks_set(words_at), q < blocks_of(n)));
  }
  if (q >= blocks_of(n)) {
    return;
  }
  let quad = (RO_SCRATCH + q * 4u * ACT_STRIDE) / 4u;
  let dz = (RO_DZ + q * 4u * ACT_STRIDE) / 4u;
  // parameter_gradients reads the input from the scratch, even where the forward pass reads the words.
  let live = RO_LIVE_INPUTS + q * ACT_STRIDE;
  quad_load_input(quad, words_at);
  quad_forward(quad, words_at, live);
  let action = vec4(load_w(RO_ACTIONS + k.x), load_w(RO_ACTIONS + k.y), load_w(RO_ACTIONS + k.z), load_w(RO_ACTIONS + k.w));
  var log_prob = vec4(0.0);
  var entropy = vec4(0.0);
  // Categorical: log Σ exp(logits). Gaussian: σ and z = (a − μ)/σ.
  var log_norm = vec4(0.0);
  let log_std = policy_log_std();
  let sigma = exp(log_std);
  var z = vec4(0.0);
  if (POLICY_GAUSSIAN) {
    z = (bitcast<vec4<f32>>(action) - load4(quad + LOGITS_AT)) / sigma;
    log_prob = gaussian_log_prob(z, log_std);
    entropy = vec4(0.5 + HALF_LOG_2PI + log_std);
  } else {
    log_norm = quad_log_normalizer(quad);
    for (var a = 0u; a < NUM_LOGITS; a++) {
      log_prob = select(log_prob, load4(quad + LOGITS_AT + a) - log_norm, action == vec4(a));
    }
    entropy = quad_entropy(quad, log_norm);
  }
  var value = vec4(0.0);
  if (HAS_VALUE) {
    value = load4(quad + VALUE_AT);
  }

  var advantage = gather_f(RO_ADVANTAGES, k);
  if (NORMALIZE_ADVANTAGES) {
    advantage = (advantage - mean) / (deviation + 1e-8);
  }
  let inv_n = 1.0 / f32(n);
  var d_log_prob = -advantage * inv_n;
  var policy_loss = -advantage * log_prob;
  var approx_kl = vec4(0.0);
  var clipped = vec4(0.0);
  var value_loss = vec4(0.0);
  var d_value = vec4(0.0);
  let returns = gather_f(RO_RETURNS, k);
  let error = value - returns;
  if (HAS_VALUE) {
    value_loss = 0.5 * error * error;
    d_value = VF_COEF * error * inv_n;
  }
  if (LOSS_KIND == LOSS_PPO) {
    let log_ratio = log_prob - gather_f(RO_LOG_PROB, k);
    let ratio = exp(log_ratio);
    approx_kl = ratio - 1.0 - log_ratio;
    clipped = select(vec4(0.0), vec4(1.0), abs(ratio - 1.0) > vec4(CLIP_COEF));
    let unclipped_pg = -advantage * ratio;
    let clipped_pg = -advantage * clamp(ratio, vec4(1.0 - CLIP_COEF), vec4(1.0 + CLIP_COEF));
    // Where the clipped term is the larger, it is constant in the parameters.
    policy_loss = max(unclipped_pg, clipped_pg);
    d_log_prob = select(vec4(0.0), -advantage * ratio * inv_n, unclipped_pg >= clipped_pg);
    if (CLIP_VALUE_LOSS) {
      let old_value = gather_f(RO_VALUES, k);
      // Inside the clip range the clipped term is the unclipped one, so take it as such: float32's
      // rounding of V_old + (V − V_old) − R could otherwise make it the larger, dropping the value's
      // gradient where the reference (exact there in float64) keeps it.
      let inside = abs(value - old_value) <= vec4(CLIP_COEF);
      let clipped_error = select(old_value + clamp(value - old_value, vec4(-CLIP_COEF), vec4(CLIP_COEF)) - returns, error, inside);
      let use_clipped = error * error < clipped_error * clipped_error;
      value_loss = select(value_loss, 0.5 * clipped_error * clipped_error, use_clipped);
      d_value = select(d_value, vec4(0.0), use_clipped);
    }
  }
  d_log_prob *= weight;
  d_value *= weight;
  let d_entropy = -ENT_COEF * inv_n * weight;
  for (var lane = 0u; lane < 4u; lane++) {
    if (valid[lane]) {
      let stats_at = RO_ROW_STATS + rows[lane] * ROW_STATS;
      store_f(stats_at, policy_loss[lane]);
      store_f(stats_at + 1u, value_loss[lane]);
      store_f(stats_at + 2u, entropy[lane]);
      store_f(stats_at + 3u, approx_kl[lane]);
      store_f(stats_at + 4u, clipped[lane]);
    }
  }

  // dz of the outputs: logits (∂log π_a/∂l_k = [k = a] − p_k, ∂H/∂l_k = −p_k (log p_k + H)) or
  // the Gaussian's mean (∂log π/∂μ = z/σ; H does not depend on μ), and value; zero elsewhere, for
  // the stages below to add into.
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = stage(s);
    for (var o = 0u; o < padded_width(output_width(st)); o++) {
      store4(dz + st.output_at + o, vec4(0.0));
    }
  }
  if (POLICY_GAUSSIAN) {
    store4(dz + LOGITS_AT, d_log_prob * z / sigma);
    // ∂log π/∂log σ = z² − 1, ∂H/∂log σ = 1, summed over the minibatch by parameter_gradients.
    let d_log_std = d_log_prob * (z * z - 1.0) + d_entropy;
    for (var lane = 0u; lane < 4u; lane++) {
      if (valid[lane]) {
        store_f(RO_LOG_STD_DZ + rows[lane], d_log_std[lane]);
      }
    }
  } else {
    for (var a = 0u; a < NUM_LOGITS; a++) {
      let log_p = load4(quad + LOGITS_AT + a) - log_norm;
      let p = exp(log_p);
      let indicator = select(vec4(0.0), vec4(1.0), action == vec4(a));
      store4(dz + LOGITS_AT + a, d_log_prob * (indicator - p) - d_entropy * p * (log_p + entropy));
    }
  }
  if (HAS_VALUE) {
    store4(dz + VALUE_AT, d_value);
  }
  quad_backward(quad, dz, live);
}
