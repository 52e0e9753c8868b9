import { observationSize, type EnvDefinition } from '../env.ts';

/**
 * The packed observation layout ('bits'): a 10×10×C boolean observation as C × 4 u32 words per
 * env. Channel c's cell (row, col) is bit k % 32 of word c · 4 + ⌊k / 32⌋, with k = row · 10 + col.
 * 160 bytes per Seaquest env instead of 4,000 as float32.
 */
export const WORDS_PER_CHANNEL = 4;
const CELLS = 100;

/** u32 words (f32 or packed) of one env's observation in GPU buffers. */
export function gpuObservationWords(env: EnvDefinition<any, any>): number {
  return env.wgsl.observation === 'bits' ? env.spec.observationShape[2] * WORDS_PER_CHANNEL : observationSize(env.spec);
}

/** Unpacks numEnvs packed observations into float32 0/1 in [row][col][channel] order. */
export function unpackObservationBits(words: Uint32Array, numEnvs: number, channels: number): Float32Array {
  const out = new Float32Array(numEnvs * CELLS * channels);
  for (let i = 0; i < numEnvs; i++) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < CELLS; k++) {
        const word = words[(i * channels + c) * WORDS_PER_CHANNEL + (k >> 5)];
        if ((word >>> (k & 31)) & 1) out[(i * CELLS + k) * channels + c] = 1;
      }
    }
  }
  return out;
}

/** Packs numEnvs float32 0/1 observations ([row][col][channel] order) into the 'bits' layout. */
export function packObservationBits(obs: Float32Array, numEnvs: number, channels: number): Uint32Array {
  const words = new Uint32Array(numEnvs * channels * WORDS_PER_CHANNEL);
  for (let i = 0; i < numEnvs; i++) {
    for (let k = 0; k < CELLS; k++) {
      for (let c = 0; c < channels; c++) {
        if (obs[(i * CELLS + k) * channels + c] !== 0) words[(i * channels + c) * WORDS_PER_CHANNEL + (k >> 5)] |= 1 << (k & 31);
      }
    }
  }
  return words;
}
