import { gridOverrides, overridesFrom, type EnvDefinition } from '../../../src/env.ts';
import { fixedGrid, uniformOnGrid, type RandomSource } from '../../../src/rng/source.ts';

/** CartPole-v1 (Gymnasium 1.3.0), rules in shared/specs/classic_control.md. */
export const cartpoleParams = {
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  halfLength: 0.5,
  forceMag: 10.0,
  tau: 0.02,
  thetaThreshold: (12 * 2 * Math.PI) / 360,
  xThreshold: 2.4,
  resetBound: 0.05,
};
export type CartpoleParams = typeof cartpoleParams;

export interface CartpoleState {
  x: number;
  xDot: number;
  theta: number;
  thetaDot: number;
}

function reset(p: CartpoleParams, rng: RandomSource): CartpoleState {
  const grid = fixedGrid(-p.resetBound, p.resetBound);
  return {
    x: uniformOnGrid(rng, grid),
    xDot: uniformOnGrid(rng, grid),
    theta: uniformOnGrid(rng, grid),
    thetaDot: uniformOnGrid(rng, grid),
  };
}

function step(p: CartpoleParams, s: CartpoleState, action: number) {
  const totalMass = p.massCart + p.massPole;
  const poleMassLength = p.massPole * p.halfLength;
  const force = action === 1 ? p.forceMag : -p.forceMag;
  const cos = Math.cos(s.theta);
  const sin = Math.sin(s.theta);
  const temp = (force + poleMassLength * s.thetaDot * s.thetaDot * sin) / totalMass;
  const thetaAcc = (p.gravity * sin - cos * temp) / (p.halfLength * (4 / 3 - (p.massPole * cos * cos) / totalMass));
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
  const state = {
    x: s.x + p.tau * s.xDot,
    xDot: s.xDot + p.tau * xAcc,
    theta: s.theta + p.tau * s.thetaDot,
    thetaDot: s.thetaDot + p.tau * thetaAcc,
  };
  const terminated =
    state.x < -p.xThreshold || state.x > p.xThreshold || state.theta < -p.thetaThreshold || state.theta > p.thetaThreshold;
  return { state, reward: 1.0, terminated };
}

export const cartpole: EnvDefinition<CartpoleState, CartpoleParams> = {
  spec: {
    id: 'classic/cartpole',
    description: 'CartPole-v1: balance a pole on a cart by pushing it left or right',
    observationShape: [4],
    actionSpace: { kind: 'discrete', n: 2 },
    timeLimit: 500,
    stateNames: ['x', 'x_dot', 'theta', 'theta_dot'],
  },
  params: cartpoleParams,
  reset,
  step,
  observe(_p, s, out, offset) {
    out[offset] = s.x;
    out[offset + 1] = s.xDot;
    out[offset + 2] = s.theta;
    out[offset + 3] = s.thetaDot;
  },
  encodeState: (s) => [s.x, s.xDot, s.theta, s.thetaDot],
  decodeState: (v) => ({ x: v[0], xDot: v[1], theta: v[2], thetaDot: v[3] }),
  wgsl: {
    path: 'envs/classic/cartpole/step.wgsl',
    constants: (p) => ({ ...overridesFrom(p), ...gridOverrides('RESET', fixedGrid(-p.resetBound, p.resetBound)) }),
  },
};
