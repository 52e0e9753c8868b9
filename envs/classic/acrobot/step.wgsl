// classic/acrobot: Acrobot-v1 for shaders/vecenv.wgsl. Rules: shared/specs/classic_control.md;
// the constants come from spec.ts as overrides.

override LINK_LENGTH1: f32;
override LINK_MASS1: f32;
override LINK_MASS2: f32;
override LINK_COM_POS1: f32;
override LINK_COM_POS2: f32;
override LINK_MOI1: f32;
override LINK_MOI2: f32;
override GRAVITY: f32;
override DT: f32;
override MAX_VEL1: f32;
override MAX_VEL2: f32;
override TORQUE: f32;
override RESET_LO: i32;
override RESET_HI: i32;
override RESET_SCALE: f32;

const OBS_WORDS: u32 = 6u;
const STATE_WORDS: u32 = 4u;
const NUM_ACTIONS: u32 = 3u;
const PI: f32 = 3.14159265358979323846;
// Where each Runge–Kutta stage evaluates the derivative (in steps of DT), and its weight.
const RK4_NODES = array<f32, 4>(0.0, 0.5, 0.5, 1.0);
const RK4_WEIGHTS = array<f32, 4>(1.0, 2.0, 2.0, 1.0);
alias ObsWord = f32;
alias Action = u32;

struct EnvState {
  theta1: f32,
  theta2: f32,
  dtheta1: f32,
  dtheta2: f32,
}

fn env_load(i: u32) -> EnvState {
  let b = i * STATE_WORDS;
  return EnvState(bitcast<f32>(state_buf[b]), bitcast<f32>(state_buf[b + 1u]), bitcast<f32>(state_buf[b + 2u]),
                  bitcast<f32>(state_buf[b + 3u]));
}

fn env_store(i: u32, s: EnvState) {
  let b = i * STATE_WORDS;
  state_buf[b] = bitcast<u32>(s.theta1);
  state_buf[b + 1u] = bitcast<u32>(s.theta2);
  state_buf[b + 2u] = bitcast<u32>(s.dtheta1);
  state_buf[b + 3u] = bitcast<u32>(s.dtheta2);
}

fn env_reset(rng: ptr<function, Rng>) -> EnvState {
  let theta1 = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  let theta2 = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  let dtheta1 = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  let dtheta2 = rng_grid(rng, RESET_LO, RESET_HI, RESET_SCALE);
  return EnvState(theta1, theta2, dtheta1, dtheta2);
}

// Time derivative of (theta1, theta2, dtheta1, dtheta2) under a constant torque ("book" dynamics).
fn acrobot_derivative(s: vec4<f32>, torque: f32) -> vec4<f32> {
  let theta1 = s.x;
  let theta2 = s.y;
  let dtheta1 = s.z;
  let dtheta2 = s.w;
  let cos2 = accurate_cos(theta2);
  let sin2 = accurate_sin(theta2);
  let d1 = LINK_MASS1 * LINK_COM_POS1 * LINK_COM_POS1 +
           LINK_MASS2 * (LINK_LENGTH1 * LINK_LENGTH1 + LINK_COM_POS2 * LINK_COM_POS2 +
                         2.0 * LINK_LENGTH1 * LINK_COM_POS2 * cos2) +
           LINK_MOI1 + LINK_MOI2;
  let d2 = LINK_MASS2 * (LINK_COM_POS2 * LINK_COM_POS2 + LINK_LENGTH1 * LINK_COM_POS2 * cos2) + LINK_MOI2;
  let phi2 = LINK_MASS2 * LINK_COM_POS2 * GRAVITY * accurate_cos(theta1 + theta2 - PI / 2.0);
  let phi1 = -LINK_MASS2 * LINK_LENGTH1 * LINK_COM_POS2 * dtheta2 * dtheta2 * sin2 -
             2.0 * LINK_MASS2 * LINK_LENGTH1 * LINK_COM_POS2 * dtheta2 * dtheta1 * sin2 +
             (LINK_MASS1 * LINK_COM_POS1 + LINK_MASS2 * LINK_LENGTH1) * GRAVITY * accurate_cos(theta1 - PI / 2.0) + phi2;
  let ddtheta2 = (torque + d2 / d1 * phi1 - LINK_MASS2 * LINK_LENGTH1 * LINK_COM_POS2 * dtheta1 * dtheta1 * sin2 - phi2) /
                 (LINK_MASS2 * LINK_COM_POS2 * LINK_COM_POS2 + LINK_MOI2 - d2 * d2 / d1);
  let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return vec4<f32>(dtheta1, dtheta2, ddtheta1, ddtheta2);
}

// Into [−π, π] by whole turns, as the original does it (repeated subtraction, not a modulo).
fn wrap_angle(angle: f32) -> f32 {
  var x = angle;
  while (x > PI) {
    x -= 2.0 * PI;
  }
  while (x < -PI) {
    x += 2.0 * PI;
  }
  return x;
}

fn env_step(s: ptr<function, EnvState>, action: Action, rng: ptr<function, Rng>) -> StepOut {
  let torque = (f32(action) - 1.0) * TORQUE;
  // One classical Runge–Kutta step of size DT with the torque held constant: k1 at s0, k2 and k3
  // half a step along k1 and k2, k4 a full step along k3, weighted 1, 2, 2, 1. A loop rather than
  // four written-out stages: SwiftShader inlines every call, and four inlined copies of the
  // derivative (each with its sin/cos) took it minutes and gigabytes to compile.
  let s0 = vec4<f32>((*s).theta1, (*s).theta2, (*s).dtheta1, (*s).dtheta2);
  var k = vec4<f32>();
  var slope = vec4<f32>();
  for (var stage = 0u; stage < 4u; stage++) {
    k = acrobot_derivative(s0 + DT * RK4_NODES[stage] * k, torque);
    slope += RK4_WEIGHTS[stage] * k;
  }
  let s1 = s0 + DT / 6.0 * slope;
  *s = EnvState(wrap_angle(s1.x), wrap_angle(s1.y), clamp(s1.z, -MAX_VEL1, MAX_VEL1), clamp(s1.w, -MAX_VEL2, MAX_VEL2));
  // The tip of the second link is more than one link length above the pivot.
  let terminated = -accurate_cos((*s).theta1) - accurate_cos((*s).theta2 + (*s).theta1) > 1.0;
  return StepOut(select(-1.0, 0.0, terminated), terminated);
}

fn env_observe(s: EnvState) -> array<f32, OBS_WORDS> {
  return array<f32, OBS_WORDS>(accurate_cos(s.theta1), accurate_sin(s.theta1), accurate_cos(s.theta2),
                               accurate_sin(s.theta2), s.dtheta1, s.dtheta2);
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
