import type { Algorithm, TrainerFactory } from './trainer.ts';

/**
 * The learning algorithms the page offers, by name. Until one is registered here, its runs step
 * the envs with random actions (src/web/random-trainer.ts) and the page says so.
 */
export const TRAINERS: Partial<Record<Algorithm, TrainerFactory>> = {};
