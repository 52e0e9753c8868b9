// Advantages and value targets of a rollout, one invocation per env walking back through its steps
// (gae in src/nn/reference.ts):
//   δ_t = r_t + γ (1 − d_t) V_{t+1} − V_t,   Â_t = δ_t + γ λ (1 − d_t) Â_{t+1},   R_t = Â_t + V_t
// with d_t set where the step ended its episode either way. λ = 1 gives bootstrapped n-step
// (A2C) or Monte-Carlo (REINFORCE) returns. Composed after layout.wgsl. Grid: ⌈seeds · envs / 64⌉.

override GAMMA: f32;
override GAE_LAMBDA: f32;
// Use V of the observation after the rollout for the steps whose episode goes on past it; else 0.
override BOOTSTRAP_LAST: bool;

@compute @workgroup_size(64)
fn compute_returns(@builtin(global_invocation_id) id: vec3<u32>) {
  let n = ROLLOUT_ENVS;
  if (id.x >= SEEDS * n) {
    return;
  }
  use_seed(id.x / n);
  let i = id.x % n;
  var next_advantage = 0.0;
  var next_value = select(0.0, load_f(RO_LAST_VALUES + i), BOOTSTRAP_LAST);
  for (var t = ROLLOUT_STEPS; t > 0u; t--) {
    let k = (t - 1u) * n + i;
    let not_done = select(1.0, 0.0, load_w(RO_DONES + k) != 0u);
    let value = load_f(RO_VALUES + k);
    let delta = load_f(RO_REWARDS + k) + GAMMA * not_done * next_value - value;
    next_advantage = delta + GAMMA * GAE_LAMBDA * not_done * next_advantage;
    store_f(RO_ADVANTAGES + k, next_advantage);
    store_f(RO_RETURNS + k, next_advantage + value);
    next_value = value;
  }
}
