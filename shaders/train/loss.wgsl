// Every sample of the current minibatch: forward pass, loss terms, and the backward pass from the
// loss to the gradient dz of each stage's pre-activation output, left in RO_DZ for
// parameter_gradients. One invocation per sample. Composed after update.wgsl.
// Losses as ppoObjective and policyGradientObjective in src/nn/reference.ts, each a mean over the
// minibatch: loss = policy − ENT_COEF · entropy + VF_COEF · value.
// Grid: ⌈MINIBATCH_ROWS / 64⌉.

const LOSS_PPO: u32 = 0u;
// −Â log π with the rollout's advantages (A2C, REINFORCE).
const LOSS_POLICY_GRADIENT: u32 = 1u;

override LOSS_KIND: u32;
override CLIP_COEF: f32 = 0.2;
override CLIP_VALUE_LOSS: bool = false;
override ENT_COEF: f32;
override VF_COEF: f32;
override NORMALIZE_ADVANTAGES: bool;

const WORKGROUP: u32 = 64u;
var<workgroup> partial_sums: array<f32, WORKGROUP>;

// Σ over the workgroup of each invocation's x, returned to all of them.
fn workgroup_sum(local_index: u32, x: f32) -> f32 {
  partial_sums[local_index] = x;
  workgroupBarrier();
  var total = 0.0;
  for (var k = 0u; k < WORKGROUP; k++) {
    total += partial_sums[k];
  }
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WORKGROUP)
fn sample_gradients(@builtin(global_invocation_id) id: vec3<u32>, @builtin(local_invocation_index) local_index: u32) {
  let n = MINIBATCH_ROWS;
  let shuffle = shuffle_new(SEED, current_epoch(), ROLLOUT_STEPS * ROLLOUT_ENVS);

  // The minibatch's advantage mean and std (n − 1, as torch's .std()), which every workgroup works
  // out for itself: a few reads each beats another dispatch.
  var mean = 0.0;
  var deviation = 1.0;
  if (NORMALIZE_ADVANTAGES) {
    var sum = 0.0;
    for (var r = local_index; r < n; r += WORKGROUP) {
      sum += load_f(RO_ADVANTAGES + minibatch_row(shuffle, r));
    }
    mean = workgroup_sum(local_index, sum) / f32(n);
    var squares = 0.0;
    for (var r = local_index; r < n; r += WORKGROUP) {
      let d = load_f(RO_ADVANTAGES + minibatch_row(shuffle, r)) - mean;
      squares += d * d;
    }
    deviation = sqrt(workgroup_sum(local_index, squares) / f32(n - 1u));
  }

  let r = id.x;
  if (r >= n) {
    return;
  }
  let k = minibatch_row(shuffle, r);
  let row_at = RO_SCRATCH + r * ACT_STRIDE;
  let dz_at = RO_DZ + r * ACT_STRIDE;
  net_load_input(row_at, RO_OBS + k * OBS_WORDS_IN);
  net_forward(row_at);
  let log_norm = log_normalizer(row_at);
  let action = train[RO_ACTIONS + k];
  let log_prob = load_f(row_at + LOGITS_AT + action) - log_norm;
  let entropy = policy_entropy(row_at, log_norm);
  let value = net_value(row_at);

  var advantage = load_f(RO_ADVANTAGES + k);
  if (NORMALIZE_ADVANTAGES) {
    advantage = (advantage - mean) / (deviation + 1e-8);
  }
  let inv_n = 1.0 / f32(n);
  var d_log_prob = -advantage * inv_n;
  var policy_loss = -advantage * log_prob;
  var approx_kl = 0.0;
  var clipped = 0.0;
  var value_loss = 0.0;
  var d_value = 0.0;
  let error = value - load_f(RO_RETURNS + k);
  if (HAS_VALUE) {
    value_loss = 0.5 * error * error;
    d_value = VF_COEF * error * inv_n;
  }
  if (LOSS_KIND == LOSS_PPO) {
    let log_ratio = log_prob - load_f(RO_LOG_PROB + k);
    let ratio = exp(log_ratio);
    approx_kl = ratio - 1.0 - log_ratio;
    clipped = select(0.0, 1.0, abs(ratio - 1.0) > CLIP_COEF);
    let unclipped_pg = -advantage * ratio;
    let clipped_pg = -advantage * clamp(ratio, 1.0 - CLIP_COEF, 1.0 + CLIP_COEF);
    // Where the clipped term is the larger, it is constant in the parameters.
    policy_loss = max(unclipped_pg, clipped_pg);
    d_log_prob = select(0.0, -advantage * ratio * inv_n, unclipped_pg >= clipped_pg);
    if (CLIP_VALUE_LOSS) {
      let old_value = load_f(RO_VALUES + k);
      let clipped_error = old_value + clamp(value - old_value, -CLIP_COEF, CLIP_COEF) - load_f(RO_RETURNS + k);
      if (error * error < clipped_error * clipped_error) {
        value_loss = 0.5 * clipped_error * clipped_error;
        d_value = 0.0;
      }
    }
  }
  let d_entropy = -ENT_COEF * inv_n;
  let stats_at = RO_ROW_STATS + r * ROW_STATS;
  store_f(stats_at, policy_loss);
  store_f(stats_at + 1u, value_loss);
  store_f(stats_at + 2u, entropy);
  store_f(stats_at + 3u, approx_kl);
  store_f(stats_at + 4u, clipped);

  // dz of the outputs: logits (∂log π_a/∂l_k = [k = a] − p_k, ∂H/∂l_k = −p_k (log p_k + H)) and
  // value; zero elsewhere, for the stages below to add into.
  for (var s = 0u; s < NUM_STAGES; s++) {
    let st = program.stages[s];
    for (var o = 0u; o < st.outputs; o++) {
      store_f(dz_at + st.output_at + o, 0.0);
    }
  }
  for (var a = 0u; a < NUM_LOGITS; a++) {
    let log_p = load_f(row_at + LOGITS_AT + a) - log_norm;
    let p = exp(log_p);
    let indicator = select(0.0, 1.0, a == action);
    store_f(dz_at + LOGITS_AT + a, d_log_prob * (indicator - p) - d_entropy * p * (log_p + entropy));
  }
  if (HAS_VALUE) {
    store_f(dz_at + VALUE_AT, d_value);
  }

  // Stages in reverse (consumers before the stage they read): finish this stage's dz with act′,
  // then add Wᵀ dz into the dz of the stage it reads.
  for (var s = NUM_STAGES; s > 0u; s--) {
    let st = program.stages[s - 1u];
    if (st.activation != ACT_NONE) {
      for (var o = 0u; o < st.outputs; o++) {
        let y = load_f(row_at + st.output_at + o);
        store_f(dz_at + st.output_at + o, load_f(dz_at + st.output_at + o) * activation_slope(y, st.activation));
      }
    }
    if (st.input_stage >= 0) {
      let below = program.stages[u32(st.input_stage)];
      for (var j = 0u; j < st.inputs; j++) {
        var acc = 0.0;
        for (var o = 0u; o < st.outputs; o++) {
          acc += net_params[st.weight + o * st.inputs + j] * load_f(dz_at + st.output_at + o);
        }
        store_f(dz_at + st.input_at + j, load_f(dz_at + st.input_at + j) + acc);
      }
    }
  }
}
