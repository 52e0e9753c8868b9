// classic/cartpole: CartPole-v1 for shaders/vecenv.wgsl. Rules: shared/specs/classic_control.md;
// the constants come from spec.ts as overrides.

override GRAVITY: f32;
override MASS_CART: f32;
override MASS_POLE: f32;
override HALF_LENGTH: f32;
override FORCE_MAG: f32;
override TAU: f32;
override THETA_THRESHOLD: f32;
override X_THRESHOLD: f32;
override RESET_LO: i32;
override RESET_HI: i32;
override RESET_SCALE: f32;

const OBS_WORDS: u32 = 4u;
const STATE_WORDS: u32 = 4u;
const NUM_ACTIONS: u32 = 2u;
alias ObsWord = f32;
alias Action = u32;

struct EnvState {
  x: f32,
  x_dot: f32,
  theta: f32,
  theta_dot: f32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  return EnvState(bitcast<f32>(state_buf[b]), bitcast<f32>(state_buf[b + 1u]), bitcast<f32>(state_buf[b + 2u]),
                  bitcast<f32>(state_buf[b + 3u]));
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.x);
  state_buf[b + 1u] = bitcast<u32>(s.x_dot);
  state_buf[b + 2u] = bitcast<u32>(s.theta);
  state_buf[b + 3u] = bitcast<u32>(s.theta_dot);
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  let x = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  let x_dot = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  let theta = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  let theta_dot = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  return EnvState(x, x_dot, theta, theta_dot);
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let total_mass = MASS_CART + MASS_POLE;
  let pole_mass_length = MASS_POLE * HALF_LENGTH;
  let force = select(-FORCE_MAG, FORCE_MAG, action == 1u);
  let c = accurate_cos((*s).theta);
  let sn = accurate_sin((*s).theta);
  let temp = (force + pole_mass_length * (*s).theta_dot * (*s).theta_dot * sn) / total_mass;
  let theta_acc = (GRAVITY * sn - c * temp) / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * c * c / total_mass));
  let x_acc = temp - pole_mass_length * theta_acc * c / total_mass;
  let old = *s;
  *s = EnvState(old.x + TAU * old.x_dot, old.x_dot + TAU * x_acc, old.theta + TAU * old.theta_dot,
                old.theta_dot + TAU * theta_acc);
  let terminated = (*s).x < -X_THRESHOLD || (*s).x > X_THRESHOLD || (*s).theta < -THETA_THRESHOLD ||
                   (*s).theta > THETA_THRESHOLD;
  return StepOut(1.0, terminated);
}

fn env_observe(s: EnvState) -> array<f32, OBS_WORDS> {
  return array<f32, OBS_WORDS>(s.x, s.x_dot, s.theta, s.theta_dot);
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
