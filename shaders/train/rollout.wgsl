// One rollout: ROLLOUT_STEPS steps of every env under the current policy, in one dispatch. Each
// invocation runs its env's network forward, samples the action with the project RNG (stream
// policy, counter (env, t) as the env's own draws; a Gaussian's by Box–Muller) and steps the env
// through vecenv.wgsl's advance, so auto-reset, truncation and episode statistics are exactly the
// VecEnv's.
// Composed after rng.wgsl, math.wgsl, episode.wgsl, the env module, vecenv.wgsl, layout.wgsl,
// program.wgsl and network.wgsl. Grid: ⌈seeds · envs / WORKGROUP_SIZE⌉.

override GAMMA: f32;
// Add γ·V(final observation) to the reward of a step that was truncated but not terminated, so a
// time limit does not look like a failure (bootstrapTruncations in src/nn/reference.ts).
override BOOTSTRAP_TRUNCATION: bool;
// Take the most probable action instead of sampling (evaluation).
override GREEDY: bool = false;
// A Gaussian policy's action bounds (the env's box): the env gets the action clipped to them, as
// CleanRL's ClipAction wrapper, while the rollout keeps the unclipped action and its log-probability.
override ACTION_LOW: f32 = 0.0;
override ACTION_HIGH: f32 = 0.0;

fn copy_observation(i: u32, final_obs: bool, words_at: u32) {
  for (var w = 0u; w < OBS_WORDS; w++) {
    store_w(words_at + w, select(bitcast<u32>(obs_buf[i * OBS_WORDS + w]), bitcast<u32>(final_obs_buf[i * OBS_WORDS + w]), final_obs));
  }
}

// The value of the observation whose words are at words_at, using the row's scratch and live lists.
fn value_of(row_at: u32, words_at: u32, live: u32) -> f32 {
  row_load_input(row_at / 4u, words_at);
  row_forward(row_at / 4u, words_at, live);
  return row_value(row_at);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rollout(@builtin(global_invocation_id) id: vec3<u32>) {
  // Env i of the VecEnv is env e of run i / ROLLOUT_ENVS of a seed grid (SEED_ENVS = ROLLOUT_ENVS).
  let i = id.x;
  if (i >= params.num_envs) {
    return;
  }
  use_seed(i / ROLLOUT_ENVS);
  let e = i % ROLLOUT_ENVS;
  let n = ROLLOUT_ENVS;
  let row_at = RO_SCRATCH + e * ACT_STRIDE;
  let live = RO_LIVE_INPUTS + e * ACT_STRIDE;
  let final_at = RO_FINAL_WORDS + e * OBS_WORDS_IN;
  var s = env_load(i);
  var ep = episode_buf[i];
  for (var t = 0u; t < ROLLOUT_STEPS; t++) {
    let k = t * n + e;
    let words_at = RO_OBS + k * OBS_WORDS_IN;
    copy_observation(i, false, words_at);
    row_load_input(row_at / 4u, words_at);
    row_forward(row_at / 4u, words_at, live);
    var rng = env_rng(i, STREAM_POLICY, ep.t + 1u);
    // The action as stored (choice index or f32 bits) and as the env gets it.
    var action: u32;
    var env_action: u32;
    var log_prob: f32;
    if (POLICY_GAUSSIAN) {
      let mean = load_f(row_at + LOGITS_AT);
      let log_std = policy_log_std();
      var z = 0.0;
      if (!GREEDY) {
        let u1 = rng_uniform(&rng);
        z = standard_normal(u1, rng_uniform(&rng));
      }
      let a = mean + exp(log_std) * z;
      action = bitcast<u32>(a);
      env_action = bitcast<u32>(clamp(a, ACTION_LOW, ACTION_HIGH));
      log_prob = gaussian_log_prob(vec4((a - mean) / exp(log_std)), log_std).x;
    } else {
      let log_norm = log_normalizer(row_at);
      if (GREEDY) {
        action = policy_greedy(row_at);
      } else {
        action = policy_sample(row_at, log_norm, rng_uniform(&rng));
      }
      env_action = action;
      log_prob = load_f(row_at + LOGITS_AT + action) - log_norm;
    }
    store_w(RO_ACTIONS + k, action);
    store_f(RO_LOG_PROB + k, log_prob);
    store_f(RO_VALUES + k, row_value(row_at));

    advance(i, &s, &ep, env_action);
    var reward = reward_buf[i];
    let done = done_buf[i];
    if (BOOTSTRAP_TRUNCATION && HAS_VALUE && done == DONE_TRUNCATED) {
      copy_observation(i, true, final_at);
      reward += GAMMA * value_of(row_at, final_at, live);
    }
    store_f(RO_REWARDS + k, reward);
    store_w(RO_DONES + k, done);
  }
  copy_observation(i, false, final_at);
  store_f(RO_LAST_VALUES + e, value_of(row_at, final_at, live));
  env_store(i, s);
  episode_buf[i] = ep;
}
