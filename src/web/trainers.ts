import { PolicyTrainer } from './policy-trainer.ts';
import { RandomActionsTrainer } from './random-trainer.ts';
import type { Algorithm, TrainerFactory } from './trainer.ts';
import { getEnv } from '../../envs/index.ts';

/**
 * The learning algorithms the page offers, by name: all run wgym's GPU trainer (src/train/). The
 * trainer has no continuous-action policy yet, so Pendulum runs with random actions, and the
 * page says so.
 */
const policyTrainer: TrainerFactory = (ctx, config) =>
  getEnv(config.envId).spec.actionSpace.kind === 'discrete' || config.checkpoint ? new PolicyTrainer(ctx, config) : new RandomActionsTrainer(ctx, config);

export const TRAINERS: Partial<Record<Algorithm, TrainerFactory>> = { ppo: policyTrainer, a2c: policyTrainer, reinforce: policyTrainer };
