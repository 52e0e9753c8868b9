import { philox4x32 } from '../rng/philox.ts';

/** STREAM_SHUFFLE and SHUFFLE_ROUNDS in shaders/train/shuffle.wgsl. */
const STREAM_SHUFFLE = 4;
const ROUNDS = 3;

/**
 * The permutation of 0 … n − 1 that shaders/train/shuffle.wgsl draws minibatches through in epoch
 * `epoch` of a run with this seed: element `position` of the shuffled order.
 */
export function shuffleFunction(seed: number, epoch: number, n: number): (position: number) => number {
  const a = philox4x32([epoch, 0, 0, 0], [seed, STREAM_SHUFFLE]);
  const b = philox4x32([epoch, 1, 0, 0], [seed, STREAM_SHUFFLE]);
  const keys = [a[0], a[1], a[2], a[3], b[0], b[1]];
  let bits = 1;
  while (2 ** bits < n) bits++;
  const mask = 2 ** bits - 1;
  const shift = (bits + 1) >> 1;
  return (position) => {
    let y = position;
    do {
      for (let r = 0; r < ROUNDS; r++) {
        y = ((y + keys[2 * r]) >>> 0) & mask;
        y = (Math.imul(y, keys[2 * r + 1] | 1) >>> 0) & mask;
        y ^= y >>> shift;
      }
    } while (y >= n);
    return y;
  };
}
