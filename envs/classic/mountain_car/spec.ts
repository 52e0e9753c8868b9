import { gridOverrides, overridesFrom, type EnvDefinition } from '../../../src/env.ts';
import { fixedGrid, uniformOnGrid, type RandomSource } from '../../../src/rng/source.ts';

/** MountainCar-v0 (Gymnasium 1.3.0), rules in shared/specs/classic_control.md. */
export const mountainCarParams = {
  minPosition: -1.2,
  maxPosition: 0.6,
  maxSpeed: 0.07,
  goalPosition: 0.5,
  goalVelocity: 0.0,
  /** Actions 0, 1, 2 push left, not at all, right with this force. */
  force: 0.001,
  gravity: 0.0025,
  /** The car starts at rest somewhere in [resetLow, resetHigh). */
  resetLow: -0.6,
  resetHigh: -0.4,
};
export type MountainCarParams = typeof mountainCarParams;

export interface MountainCarState {
  position: number;
  velocity: number;
}

function reset(p: MountainCarParams, rng: RandomSource): MountainCarState {
  return { position: uniformOnGrid(rng, fixedGrid(p.resetLow, p.resetHigh)), velocity: 0.0 };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

function step(p: MountainCarParams, s: MountainCarState, action: number) {
  // The valley's height is sin(3·position), so gravity pulls along its slope, cos(3·position).
  let velocity = s.velocity + ((action - 1) * p.force - p.gravity * Math.cos(3 * s.position));
  velocity = clamp(velocity, -p.maxSpeed, p.maxSpeed);
  const position = clamp(s.position + velocity, p.minPosition, p.maxPosition);
  // The left wall is inelastic: the car stops there.
  if (position === p.minPosition && velocity < 0) velocity = 0.0;
  const terminated = position >= p.goalPosition && velocity >= p.goalVelocity;
  return { state: { position, velocity }, reward: -1.0, terminated };
}

export const mountainCar: EnvDefinition<MountainCarState, MountainCarParams> = {
  spec: {
    id: 'classic/mountain_car',
    description: 'MountainCar-v0: rock an underpowered car out of a valley to the flag on the right hill',
    observationShape: [2],
    actionSpace: { kind: 'discrete', n: 3 },
    timeLimit: 200,
    stateNames: ['position', 'velocity'],
  },
  params: mountainCarParams,
  reset,
  step,
  observe(_p, s, out, offset) {
    out[offset] = s.position;
    out[offset + 1] = s.velocity;
  },
  encodeState: (s) => [s.position, s.velocity],
  decodeState: (v) => ({ position: v[0], velocity: v[1] }),
  wgsl: {
    path: 'envs/classic/mountain_car/step.wgsl',
    constants: (p) => ({ ...overridesFrom(p), ...gridOverrides('RESET', fixedGrid(p.resetLow, p.resetHigh)) }),
  },
};
