import { fixedGrid, uniformOnGrid, type FixedGrid, type RandomSource } from './rng/source.ts';

export type ActionSpace =
  | { kind: 'discrete'; n: number }
  /** A one-dimensional continuous action in [low, high] (Pendulum's torque). */
  | { kind: 'box'; low: number; high: number };

/** What a user or a network needs to know about an env; shapes come from here and nowhere else. */
export interface EnvSpec {
  id: string;
  description: string;
  /** Observation shape of one env, float32 values. */
  observationShape: readonly number[];
  actionSpace: ActionSpace;
  /** Default truncation limit in steps; 0 means none. */
  timeLimit: number;
  /** Names of the state variables, in the order of the fixtures and of the GPU state buffer. */
  stateNames: readonly string[];
  /** A smaller action set agents may use instead (param minimalActionSet): indices into the full one. */
  minimalActions?: readonly number[];
  /** For grid games: the observation channels' names and display colours (RGB 0–255), by index. */
  channels?: readonly string[];
  palette?: readonly (readonly [number, number, number])[];
}

export interface StepResult<S> {
  state: S;
  reward: number;
  terminated: boolean;
}

/**
 * One game: a readable float64 TypeScript reference (pure reset/step over a small state record)
 * and the WGSL module that implements the same rules for N envs (see shaders/vecenv.wgsl for the
 * functions a module provides). Params hold every constant; the kernel gets them as overrides.
 */
export interface EnvDefinition<S = unknown, P = Record<string, unknown>> {
  spec: EnvSpec;
  params: P;
  reset(params: P, rng: RandomSource): S;
  step(params: P, state: S, action: number, rng: RandomSource): StepResult<S>;
  /** Writes the observation as float32 values (MinAtar: 0/1 in [row][col][channel] order). */
  observe(params: P, state: S, out: Float32Array, offset: number): void;
  /** State as numbers in spec.stateNames order, and back. */
  encodeState(state: S): number[];
  decodeState(values: ArrayLike<number>): S;
  wgsl: {
    path: string;
    constants(params: P): Record<string, number>;
    /**
     * How the kernel stores one env's observation: 'f32' (observationShape values) or 'bits'
     * (MinAtar's 10×10×C booleans packed as described in src/vecenv/observation.ts).
     */
    observation?: 'f32' | 'bits';
    /** The type of the state words: 'f32' (classic control) or 'i32' (MinAtar's integer states). */
    state?: 'f32' | 'i32';
  };
  /** Rejects param values outside what the rules allow (throws InputError). */
  checkParams?(params: P): void;
  /** Relative reward tolerance of the float64 reference against the recordings, where the spec relaxes it. */
  referenceRewardTolerance?: number;
}

/** What the agent sends is mapped into the action space the same way on CPU and GPU. */
export interface ActionCheck {
  action: number;
  valid: boolean;
}

/**
 * Out-of-range actions: a discrete action ≥ n is clamped to n − 1, a continuous NaN becomes 0;
 * both count as invalid in the episode stats. Continuous values outside [low, high] are valid and
 * clipped by the env itself, as Gymnasium's Pendulum does.
 */
export function checkAction(space: ActionSpace, action: number): ActionCheck {
  if (space.kind === 'discrete') {
    const valid = Number.isInteger(action) && action >= 0 && action < space.n;
    return { action: valid ? action : Math.min(Math.max(Math.trunc(action) || 0, 0), space.n - 1), valid };
  }
  return Number.isNaN(action) ? { action: 0, valid: false } : { action, valid: true };
}

export function observationSize(spec: EnvSpec): number {
  return spec.observationShape.reduce((a, b) => a * b, 1);
}

/**
 * camelCase params as UPPER_SNAKE override constants: gravity → GRAVITY, massCart → MASS_CART;
 * booleans become 0 or 1, which WebGPU converts to a `bool` override.
 */
export function overridesFrom(params: Record<string, unknown>): Record<string, number> {
  const constants: Record<string, number> = {};
  for (const [name, value] of Object.entries(params)) {
    const constant = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
    if (typeof value === 'number') constants[constant] = value;
    if (typeof value === 'boolean') constants[constant] = value ? 1 : 0;
  }
  return constants;
}

/** A FixedGrid as the override constants NAME_LO, NAME_HI, NAME_SCALE that rng_grid() takes. */
export function gridOverrides(name: string, grid: FixedGrid): Record<string, number> {
  return { [`${name}_LO`]: grid.lo, [`${name}_HI`]: grid.hi, [`${name}_SCALE`]: grid.scale };
}

/** A uniformly random action, drawn as the WGSL modules' env_random_action() draws it. */
export function randomAction(space: ActionSpace, rng: RandomSource): number {
  return space.kind === 'discrete' ? rng.int(0, space.n) : uniformOnGrid(rng, fixedGrid(space.low, space.high));
}
