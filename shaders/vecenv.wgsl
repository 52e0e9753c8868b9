// The vectorized env driver: N envs, one invocation each. Composed after shaders/rng.wgsl and one
// env module, which provides:
//   const OBS_WORDS, STATE_WORDS: u32;  alias ObsWord (element type of the observation buffer);
//   alias Action;  struct EnvState;
//   fn env_load(i: u32) -> EnvState;  fn env_store(i: u32, s: EnvState)   (over state_buf)
//   fn env_reset(rng: ptr<function, Rng>) -> EnvState
//   fn env_step(s: ptr<function, EnvState>, a: Action, rng: ptr<function, Rng>) -> StepOut
//   fn env_observe(s: EnvState) -> array<ObsWord, OBS_WORDS>
//   fn env_action_valid(bits: u32) -> bool;  fn env_decode_action(bits: u32) -> Action
//   fn env_random_action(rng: ptr<function, Rng>) -> u32   (action bits)
// and, before them, one random source: shaders/rng.wgsl (Philox) or shaders/rng_replay.wgsl
// (recorded draws, for conformance), both offering rng_new, rng_uniform, rng_int and rng_grid.
//
// Auto-reset is "same-step" and lives here only: on the step that ends an episode (terminated, or
// truncated by TIME_LIMIT), reward and flags are the old episode's, the final observation goes to
// final_obs_buf, and obs_buf holds the first observation of the new episode.
// Random draws of an env's k-th step (and of the reset it triggers) come from counter (env, k);
// the initial reset uses k = 0.

struct StepOut {
  reward: f32,
  terminated: bool,
}

struct Params {
  seed: u32,
  num_envs: u32,
  steps: u32,
  _pad: u32,
}


override TIME_LIMIT: u32 = 0u;
// A reduced action set (MinAtar's minimal sets): the agent picks one of NUM_CHOICES actions, and
// choice k means the env's action (ACTION_CODES >> 4k) & 15. NUM_CHOICES = 0: actions go unchanged.
override NUM_CHOICES: u32 = 0u;
override ACTION_CODES: u32 = 0u;
override AUTO_RESET: bool = true;
// Envs per seed: env i draws as env i % SEED_ENVS of seed params.seed + i / SEED_ENVS, so that one
// VecEnv can hold several seeds' envs side by side (a seed grid, src/train/gpu-trainer.ts).
override SEED_ENVS: u32;
override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> state_buf: array<u32>;
@group(0) @binding(2) var<storage, read_write> obs_buf: array<ObsWord>;
@group(0) @binding(3) var<storage, read_write> final_obs_buf: array<ObsWord>;
@group(0) @binding(4) var<storage, read> action_buf: array<u32>;
@group(0) @binding(5) var<storage, read_write> reward_buf: array<f32>;
// Bit 0: terminated; bit 1: truncated.
@group(0) @binding(6) var<storage, read_write> done_buf: array<u32>;
@group(0) @binding(7) var<storage, read_write> episode_buf: array<Episode>;

// The draws of env i at a step of its episode count (VecEnv draws in src/vecenv/cpu.ts).
fn env_rng(i: u32, stream: u32, step: u32) -> Rng {
  return rng_new(params.seed + i / SEED_ENVS, stream, i % SEED_ENVS, step);
}

const DONE_TERMINATED: u32 = 1u;
const DONE_TRUNCATED: u32 = 2u;

fn write_obs(i: u32, s: EnvState) {
  let o = env_observe(s);
  for (var k = 0u; k < OBS_WORDS; k++) {
    obs_buf[i * OBS_WORDS + k] = o[k];
  }
}

fn write_final_obs(i: u32, s: EnvState) {
  let o = env_observe(s);
  for (var k = 0u; k < OBS_WORDS; k++) {
    final_obs_buf[i * OBS_WORDS + k] = o[k];
  }
}

// The env's own action bits for what the agent chose, and whether the choice was in range.
fn env_action_of(chosen: u32) -> u32 {
  if (NUM_CHOICES == 0u) {
    return chosen;
  }
  return (ACTION_CODES >> (4u * min(chosen, NUM_CHOICES - 1u))) & 0xfu;
}

fn choice_valid(chosen: u32) -> bool {
  if (NUM_CHOICES == 0u) {
    return env_action_valid(chosen);
  }
  return chosen < NUM_CHOICES;
}

fn random_choice(rng: ptr<function, Rng>) -> u32 {
  if (NUM_CHOICES == 0u) {
    return env_random_action(rng);
  }
  return u32(rng_int(rng, 0, i32(NUM_CHOICES)));
}

fn advance(i: u32, s: ptr<function, EnvState>, ep: ptr<function, Episode>, chosen: u32) {
  if (!choice_valid(chosen)) {
    (*ep).invalid_actions += 1u;
  }
  (*ep).t += 1u;
  var rng = env_rng(i, STREAM_ENV, (*ep).t);
  let out = env_step(s, env_decode_action(env_action_of(chosen)), &rng);
  (*ep).length += 1u;
  (*ep).ret += out.reward;
  let truncated = TIME_LIMIT > 0u && (*ep).length >= TIME_LIMIT;
  reward_buf[i] = out.reward;
  done_buf[i] = select(0u, DONE_TERMINATED, out.terminated) | select(0u, DONE_TRUNCATED, truncated);
  if (out.terminated || truncated) {
    write_final_obs(i, *s);
    (*ep).episodes += 1u;
    (*ep).return_sum += (*ep).ret;
    (*ep).length_sum += (*ep).length;
    (*ep).return_sq_sum += (*ep).ret * (*ep).ret;
    (*ep).length_sq_sum += f32((*ep).length) * f32((*ep).length);
    if (AUTO_RESET) {
      *s = env_reset(&rng);
      (*ep).length = 0u;
      (*ep).ret = 0.0;
    }
  }
  write_obs(i, *s);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn reset_all(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= params.num_envs) {
    return;
  }
  var rng = env_rng(i, STREAM_ENV, 0u);
  let s = env_reset(&rng);
  env_store(i, s);
  write_obs(i, s);
  episode_buf[i] = Episode();
  reward_buf[i] = 0.0;
  done_buf[i] = 0u;
}

// One step of every env with the actions in action_buf.
@compute @workgroup_size(WORKGROUP_SIZE)
fn step(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= params.num_envs) {
    return;
  }
  var s = env_load(i);
  var ep = episode_buf[i];
  advance(i, &s, &ep, action_buf[i]);
  env_store(i, s);
  episode_buf[i] = ep;
}

// params.steps steps of every env with uniformly random actions from the action stream, in one
// dispatch (the benchmark's and the statistical tests' workload).
@compute @workgroup_size(WORKGROUP_SIZE)
fn random_steps(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= params.num_envs) {
    return;
  }
  var s = env_load(i);
  var ep = episode_buf[i];
  for (var k = 0u; k < params.steps; k++) {
    var action_rng = env_rng(i, STREAM_ACTION, ep.t + 1u);
    advance(i, &s, &ep, random_choice(&action_rng));
  }
  env_store(i, s);
  episode_buf[i] = ep;
}
