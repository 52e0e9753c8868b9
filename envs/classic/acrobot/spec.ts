import { gridOverrides, overridesFrom, type EnvDefinition } from '../../../src/env.ts';
import { fixedGrid, uniformOnGrid, type RandomSource } from '../../../src/rng/source.ts';

/** Acrobot-v1 (Gymnasium 1.3.0), rules in shared/specs/classic_control.md. */
export const acrobotParams = {
  linkLength1: 1.0,
  linkMass1: 1.0,
  linkMass2: 1.0,
  /** Distance from each link's pivot to its centre of mass. */
  linkComPos1: 0.5,
  linkComPos2: 0.5,
  linkMoi1: 1.0,
  linkMoi2: 1.0,
  gravity: 9.8,
  dt: 0.2,
  maxVel1: 4 * Math.PI,
  maxVel2: 9 * Math.PI,
  /** Actions 0, 1, 2 apply −torque, 0, +torque at the joint between the links. */
  torque: 1.0,
  resetBound: 0.1,
};
export type AcrobotParams = typeof acrobotParams;

export interface AcrobotState {
  theta1: number;
  theta2: number;
  dtheta1: number;
  dtheta2: number;
}

/** (theta1, theta2, dtheta1, dtheta2) as a tuple, the shape the Runge–Kutta step works on. */
type Vec4 = [number, number, number, number];

function reset(p: AcrobotParams, rng: RandomSource): AcrobotState {
  // The original rounds its reset draws to float32; points of a fixed grid already are float32 values.
  const grid = fixedGrid(-p.resetBound, p.resetBound);
  return {
    theta1: uniformOnGrid(rng, grid),
    theta2: uniformOnGrid(rng, grid),
    dtheta1: uniformOnGrid(rng, grid),
    dtheta2: uniformOnGrid(rng, grid),
  };
}

/** Time derivative of the state under a constant torque (the "book" equations of motion). */
function derivative(p: AcrobotParams, s: Vec4, torque: number): Vec4 {
  const [theta1, theta2, dtheta1, dtheta2] = s;
  const { linkLength1: l1, linkMass1: m1, linkMass2: m2, linkComPos1: lc1, linkComPos2: lc2, gravity: g } = p;
  const { linkMoi1: i1, linkMoi2: i2 } = p;
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + i2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 =
    (torque + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + i2 - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return [dtheta1, dtheta2, ddtheta1, ddtheta2];
}

/** s + h·k, component by component. */
const along = (s: Vec4, h: number, k: Vec4): Vec4 => [s[0] + h * k[0], s[1] + h * k[1], s[2] + h * k[2], s[3] + h * k[3]];

/** Into [−π, π] by whole turns, as the original does it (repeated subtraction, not a modulo). */
function wrapAngle(x: number): number {
  while (x > Math.PI) x -= 2 * Math.PI;
  while (x < -Math.PI) x += 2 * Math.PI;
  return x;
}

const clamp = (x: number, bound: number) => Math.min(Math.max(x, -bound), bound);

function step(p: AcrobotParams, s: AcrobotState, action: number) {
  const torque = (action - 1) * p.torque;
  // One classical Runge–Kutta step of size dt with the torque held constant.
  const s0: Vec4 = [s.theta1, s.theta2, s.dtheta1, s.dtheta2];
  const k1 = derivative(p, s0, torque);
  const k2 = derivative(p, along(s0, p.dt / 2, k1), torque);
  const k3 = derivative(p, along(s0, p.dt / 2, k2), torque);
  const k4 = derivative(p, along(s0, p.dt, k3), torque);
  const slope = [0, 1, 2, 3].map((i) => k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) as Vec4;
  const [theta1, theta2, dtheta1, dtheta2] = along(s0, p.dt / 6, slope);
  const state = {
    theta1: wrapAngle(theta1),
    theta2: wrapAngle(theta2),
    dtheta1: clamp(dtheta1, p.maxVel1),
    dtheta2: clamp(dtheta2, p.maxVel2),
  };
  // The tip of the second link is more than one link length above the pivot.
  const terminated = -Math.cos(state.theta1) - Math.cos(state.theta2 + state.theta1) > 1.0;
  return { state, reward: terminated ? 0.0 : -1.0, terminated };
}

export const acrobot: EnvDefinition<AcrobotState, AcrobotParams> = {
  spec: {
    id: 'classic/acrobot',
    description: 'Acrobot-v1: swing the tip of a two-link chain above the pivot by torquing the middle joint',
    observationShape: [6],
    actionSpace: { kind: 'discrete', n: 3 },
    timeLimit: 500,
    stateNames: ['theta1', 'theta2', 'dtheta1', 'dtheta2'],
  },
  params: acrobotParams,
  reset,
  step,
  observe(_p, s, out, offset) {
    out[offset] = Math.cos(s.theta1);
    out[offset + 1] = Math.sin(s.theta1);
    out[offset + 2] = Math.cos(s.theta2);
    out[offset + 3] = Math.sin(s.theta2);
    out[offset + 4] = s.dtheta1;
    out[offset + 5] = s.dtheta2;
  },
  encodeState: (s) => [s.theta1, s.theta2, s.dtheta1, s.dtheta2],
  decodeState: (v) => ({ theta1: v[0], theta2: v[1], dtheta1: v[2], dtheta2: v[3] }),
  wgsl: {
    path: 'envs/classic/acrobot/step.wgsl',
    constants: (p) => ({ ...overridesFrom(p), ...gridOverrides('RESET', fixedGrid(-p.resetBound, p.resetBound)) }),
  },
};
