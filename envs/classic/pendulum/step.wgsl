// classic/pendulum: Pendulum-v1 for shaders/vecenv.wgsl. Rules: shared/specs/classic_control.md;
// the constants come from spec.ts as overrides. The action is one float32 torque, passed as its bits.

override MAX_SPEED: f32;
override MAX_TORQUE: f32;
override DT: f32;
override GRAVITY: f32;
override MASS: f32;
override LENGTH: f32;
override SPEED_COST_WEIGHT: f32;
override TORQUE_COST_WEIGHT: f32;
override RESET_ANGLE_LO: i32;
override RESET_ANGLE_HI: i32;
override RESET_ANGLE_SCALE: f32;
override RESET_SPEED_LO: i32;
override RESET_SPEED_HI: i32;
override RESET_SPEED_SCALE: f32;
override RANDOM_ACTION_LO: i32;
override RANDOM_ACTION_HI: i32;
override RANDOM_ACTION_SCALE: f32;

const OBS_WORDS: u32 = 3u;
const STATE_WORDS: u32 = 2u;
const PI: f32 = 3.14159265358979323846;
alias ObsWord = f32;
alias Action = f32;

struct EnvState {
  th: f32,
  thdot: f32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  return EnvState(bitcast<f32>(state_buf[b]), bitcast<f32>(state_buf[b + 1u]));
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.th);
  state_buf[b + 1u] = bitcast<u32>(s.thdot);
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  let th = rng_grid(rng, RESET_ANGLE_LO, RESET_ANGLE_HI, RESET_ANGLE_SCALE);
  let thdot = rng_grid(rng, RESET_SPEED_LO, RESET_SPEED_HI, RESET_SPEED_SCALE);
  return EnvState(th, thdot);
}

// ((x + π) mod 2π) − π with a floored modulo, so the result lies in [−π, π).
fn angle_normalize(x: f32) -> f32 {
  let shifted = x + PI;
  return shifted - 2.0 * PI * floor(shifted / (2.0 * PI)) - PI;
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let u = clamp(action, -MAX_TORQUE, MAX_TORQUE);
  let th = (*s).th;
  let thdot = (*s).thdot;
  let angle = angle_normalize(th);
  let cost = angle * angle + SPEED_COST_WEIGHT * thdot * thdot + TORQUE_COST_WEIGHT * u * u;
  let acc = 3.0 * GRAVITY / (2.0 * LENGTH) * accurate_sin(th) + 3.0 / (MASS * LENGTH * LENGTH) * u;
  let new_thdot = clamp(thdot + acc * DT, -MAX_SPEED, MAX_SPEED);
  *s = EnvState(th + new_thdot * DT, new_thdot);
  return StepOut(-cost, false);
}

fn env_observe(s: EnvState) -> array<f32, OBS_WORDS> {
  return array<f32, OBS_WORDS>(accurate_cos(s.th), accurate_sin(s.th), s.thdot);
}

// A NaN torque has all exponent bits set and a non-zero mantissa. Tested on the bits because WGSL
// lets a compiler assume that float values are never NaN (which could fold x != x to false).
fn is_nan_bits(bits: u32) -> bool {
  return (bits & 0x7fffffffu) > 0x7f800000u;
}

// Any torque but NaN is valid: the env clips it to [−MAX_TORQUE, MAX_TORQUE] itself.
fn env_action_valid(bits: u32) -> bool {
  return !is_nan_bits(bits);
}

fn env_decode_action(bits: u32) -> Action {
  return select(bitcast<f32>(bits), 0.0, is_nan_bits(bits));
}

fn env_random_action(rng: ptr<function, Rng>) -> u32 {
  return bitcast<u32>(rng_grid(rng, RANDOM_ACTION_LO, RANDOM_ACTION_HI, RANDOM_ACTION_SCALE));
}
