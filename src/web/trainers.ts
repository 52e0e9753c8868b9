import { PolicyTrainer } from './policy-trainer.ts';
import type { Algorithm, TrainerFactory } from './trainer.ts';

/** The learning algorithms the page offers, by name: all run wgym's GPU trainer (src/train/). */
const policyTrainer: TrainerFactory = (ctx, config) => new PolicyTrainer(ctx, config);

export const TRAINERS: Record<Algorithm, TrainerFactory> = { ppo: policyTrainer, a2c: policyTrainer, reinforce: policyTrainer };
