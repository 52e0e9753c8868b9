// classic/mountain_car: MountainCar-v0 for shaders/vecenv.wgsl. Rules: shared/specs/classic_control.md;
// the constants come from spec.ts as overrides.

override MIN_POSITION: f32;
override MAX_POSITION: f32;
override MAX_SPEED: f32;
override GOAL_POSITION: f32;
override GOAL_VELOCITY: f32;
override FORCE: f32;
override GRAVITY: f32;
override RESET_LO: i32;
override RESET_HI: i32;
override RESET_SCALE: f32;

const OBS_WORDS: u32 = 2u;
const STATE_WORDS: u32 = 2u;
const NUM_ACTIONS: u32 = 3u;
alias ObsWord = f32;
alias Action = u32;

struct EnvState {
  position: f32,
  velocity: f32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  return EnvState(bitcast<f32>(state_buf[b]), bitcast<f32>(state_buf[b + 1u]));
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.position);
  state_buf[b + 1u] = bitcast<u32>(s.velocity);
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  return EnvState(rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE), 0.0);
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  // The valley's height is sin(3·position), so gravity pulls along its slope, cos(3·position).
  var velocity = (*s).velocity + ((f32(action) - 1.0) * FORCE - GRAVITY * accurate_cos(3.0 * (*s).position));
  velocity = clamp(velocity, -MAX_SPEED, MAX_SPEED);
  let position = clamp((*s).position + velocity, MIN_POSITION, MAX_POSITION);
  // The left wall is inelastic: the car stops there.
  if (position == MIN_POSITION && velocity < 0.0) {
    velocity = 0.0;
  }
  *s = EnvState(position, velocity);
  let terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
  return StepOut(-1.0, terminated);
}

fn env_observe(s: EnvState) -> array<f32, OBS_WORDS> {
  return array<f32, OBS_WORDS>(s.position, s.velocity);
}

fn env_action_valid(bits: u32) -> bool {
  return bits < NUM_ACTIONS;
}

fn env_decode_action(bits: u32) -> Action {
  return min(bits, NUM_ACTIONS - 1u);
}

fn env_random_action(rng: ptr<function, Rng>) -> u32 {
  return u32(rng_int(rng, 0, i32(NUM_ACTIONS)));
}
