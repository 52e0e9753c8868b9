import { gridOverrides, overridesFrom, type EnvDefinition } from '../../../src/env.ts';
import { fixedGrid, uniformOnGrid, type RandomSource } from '../../../src/rng/source.ts';

/** Pendulum-v1 (Gymnasium 1.3.0), rules in shared/specs/classic_control.md. */
export const pendulumParams = {
  maxSpeed: 8.0,
  maxTorque: 2.0,
  dt: 0.05,
  gravity: 10.0,
  mass: 1.0,
  length: 1.0,
  /** cost = angle² + speedCostWeight · speed² + torqueCostWeight · torque². */
  speedCostWeight: 0.1,
  torqueCostWeight: 0.001,
  /** The pendulum starts with its angle in [−resetMaxAngle, resetMaxAngle) and speed in [−resetMaxSpeed, resetMaxSpeed). */
  resetMaxAngle: Math.PI,
  resetMaxSpeed: 1.0,
};
export type PendulumParams = typeof pendulumParams;

export interface PendulumState {
  /** Angle from upright in radians, never wrapped. */
  th: number;
  thdot: number;
}

const actionSpace = { kind: 'box' as const, low: -pendulumParams.maxTorque, high: pendulumParams.maxTorque };

const resetAngleGrid = (p: PendulumParams) => fixedGrid(-p.resetMaxAngle, p.resetMaxAngle);
const resetSpeedGrid = (p: PendulumParams) => fixedGrid(-p.resetMaxSpeed, p.resetMaxSpeed);

function reset(p: PendulumParams, rng: RandomSource): PendulumState {
  const th = uniformOnGrid(rng, resetAngleGrid(p));
  const thdot = uniformOnGrid(rng, resetSpeedGrid(p));
  return { th, thdot };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** ((x + π) mod 2π) − π with a floored modulo (Python's %), so the result lies in [−π, π). */
function angleNormalize(x: number): number {
  const turn = 2 * Math.PI;
  const remainder = (x + Math.PI) % turn; // JavaScript's % truncates: negative for x + π < 0
  return (remainder < 0 ? remainder + turn : remainder) - Math.PI;
}

/**
 * The original mixes float64 state with a float32 torque: the torque is float32 before and after
 * the clip, and NumPy 2 computes a Python float times a float32 in float32 (the constant rounded
 * first), hence the Math.fround calls. Everything else is float64.
 */
function step(p: PendulumParams, s: PendulumState, action: number) {
  const u = Math.fround(clamp(Math.fround(action), -p.maxTorque, p.maxTorque));
  const torqueCost = Math.fround(Math.fround(p.torqueCostWeight) * Math.fround(u * u));
  const cost = angleNormalize(s.th) ** 2 + p.speedCostWeight * s.thdot ** 2 + torqueCost;
  const gravityAcc = ((3 * p.gravity) / (2 * p.length)) * Math.sin(s.th);
  const torqueAcc = Math.fround(Math.fround(3 / (p.mass * p.length ** 2)) * u);
  const thdot = clamp(s.thdot + (gravityAcc + torqueAcc) * p.dt, -p.maxSpeed, p.maxSpeed);
  const th = s.th + thdot * p.dt;
  return { state: { th, thdot }, reward: -cost, terminated: false };
}

export const pendulum: EnvDefinition<PendulumState, PendulumParams> = {
  spec: {
    id: 'classic/pendulum',
    description: 'Pendulum-v1: swing a pendulum up and hold it upright with a limited continuous torque',
    observationShape: [3],
    actionSpace,
    timeLimit: 200,
    stateNames: ['th', 'thdot'],
  },
  params: pendulumParams,
  reset,
  step,
  observe(_p, s, out, offset) {
    out[offset] = Math.cos(s.th);
    out[offset + 1] = Math.sin(s.th);
    out[offset + 2] = s.thdot;
  },
  encodeState: (s) => [s.th, s.thdot],
  decodeState: (v) => ({ th: v[0], thdot: v[1] }),
  wgsl: {
    path: 'envs/classic/pendulum/step.wgsl',
    constants: (p) => ({
      ...overridesFrom(p),
      ...gridOverrides('RESET_ANGLE', resetAngleGrid(p)),
      ...gridOverrides('RESET_SPEED', resetSpeedGrid(p)),
      // randomAction() in src/env.ts draws on the same grid.
      ...gridOverrides('RANDOM_ACTION', fixedGrid(actionSpace.low, actionSpace.high)),
    }),
  },
  // The original squares the float32 torque with a float32 power that can be one unit off.
  referenceRewardTolerance: 1e-7,
};
