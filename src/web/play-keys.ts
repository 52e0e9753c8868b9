import type { EnvSpec } from '../env.ts';

/** The keys play mode listens to. */
export type PlayKey = 'left' | 'right' | 'up' | 'down' | 'fire';
export const PLAY_KEYS: Record<string, PlayKey> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  ' ': 'fire',
};

// MinAtar's full action set (envs/minatar/common.ts): noop, left, up, right, down, fire.
const MINATAR = { noop: 0, left: 1, up: 2, right: 3, down: 4, fire: 5 };

/**
 * Human steps per second: MinAtar at a playable pace, classic control near Gymnasium's own
 * render rates (CartPole slowed to half so a person can balance it).
 */
export function playRate(spec: EnvSpec): number {
  switch (spec.id) {
    case 'classic/cartpole':
      return 25;
    case 'classic/acrobot':
      return 15;
    case 'classic/mountain_car':
      return 30;
    case 'classic/pendulum':
      return 20;
    default:
      return 8;
  }
}

/** What the keys do, for the page's help line. */
export function playHelp(spec: EnvSpec): string {
  if (spec.id.startsWith('minatar/')) return '← → ↑ ↓ move, space fires';
  if (spec.id === 'classic/cartpole') return '← → push the cart';
  if (spec.id === 'classic/pendulum') return '← → apply torque';
  return '← → push';
}

/**
 * The action for the keys held (or tapped) during one step. CartPole has no "no push": with no
 * key it alternates left and right pushes, which cancel out.
 */
export function actionFor(spec: EnvSpec, keys: ReadonlySet<PlayKey>, step: number): number {
  const left = keys.has('left');
  const right = keys.has('right');
  const horizontal = left === right ? 0 : left ? -1 : 1;
  if (spec.id.startsWith('minatar/')) {
    if (keys.has('fire')) return MINATAR.fire;
    if (horizontal < 0) return MINATAR.left;
    if (horizontal > 0) return MINATAR.right;
    if (keys.has('up')) return MINATAR.up;
    if (keys.has('down')) return MINATAR.down;
    return MINATAR.noop;
  }
  switch (spec.id) {
    case 'classic/cartpole':
      return horizontal === 0 ? step % 2 : horizontal < 0 ? 0 : 1;
    case 'classic/pendulum':
      return spec.actionSpace.kind === 'box' ? horizontal * spec.actionSpace.high : 0;
    default:
      // Acrobot (−torque, none, +torque) and MountainCar (left, none, right).
      return horizontal + 1;
  }
}
