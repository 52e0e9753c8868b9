import { Command, CommanderError, Option } from 'commander';
import { ENVS, ENV_IDS } from '../../envs/index.ts';
import { benchCommand, type BenchFlags } from './bench.ts';
import { conformanceCommand, type ConformanceFlags } from './conformance.ts';
import { ALGO_NAMES } from '../algos/index.ts';
import { reportError } from './errors.ts';
import { evalCommand, type EvalFlags } from './evaluate.ts';
import { plotCommand, type PlotFlags } from './plot.ts';
import { summaryCommand, type SummaryFlags } from './summary.ts';
import { profileCommand, type ProfileFlags } from './profile.ts';
import { trainCommand, type TrainFlags } from './train.ts';
import { openGpu, withGpuOptions, type GpuFlags } from './gpu-options.ts';
import { loopIterationLimit } from '../gpu/loop-limit.ts';

const program = new Command('wgym')
  .description('GPU-accelerated game-agent simulator on WebGPU')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('envs')
  .description('list the envs with their observation and action spaces')
  .option('--json', 'print JSON')
  .action((flags: { json?: boolean }) => {
    const rows = ENVS.map(({ spec }) => ({
      id: spec.id,
      observation: spec.observationShape,
      actions: spec.actionSpace,
      timeLimit: spec.timeLimit,
      description: spec.description,
    }));
    if (flags.json) return console.log(JSON.stringify(rows, null, 2));
    for (const row of rows) {
      const actions = row.actions.kind === 'discrete' ? `${row.actions.n} actions` : `box [${row.actions.low}, ${row.actions.high}]`;
      console.log(`${row.id.padEnd(22)} obs [${row.observation.join('×')}], ${actions}, time limit ${row.timeLimit || 'none'}: ${row.description}`);
    }
  });

withGpuOptions(program.command('info').description('show the WebGPU adapter wgym would use')).action(async (flags: GpuFlags) => {
  const ctx = await openGpu(flags);
  console.log(`adapter: ${ctx.adapterName}`);
  console.log(`timestamp queries: ${ctx.hasTimestamps ? 'yes' : 'no'}`);
  console.log(`max storage buffer binding: ${ctx.device.limits.maxStorageBufferBindingSize} bytes`);
  const loopLimit = await loopIterationLimit(ctx);
  console.log(`loop iterations per invocation: ${loopLimit === undefined ? 'no limit found' : `${loopLimit} at most (too few for training and bench)`}`);
  ctx.device.destroy();
});

withGpuOptions(
  program
    .command('conformance')
    .description('replay a recorded fixture file (JSONL) and check every step; exits 0 only if all episodes match')
    .argument('<fixture>', 'fixture file, e.g. ../shared/fixtures/classic/cartpole.jsonl')
    .addOption(new Option('--backend <backend>', 'where to replay').choices(['cpu', 'gpu', 'both']).default('both'))
    .option('--json', 'print the reports as JSON'),
).action(async (file: string, flags: ConformanceFlags) => {
  process.exitCode = await conformanceCommand(file, flags);
});

withGpuOptions(
  program
    .command('bench')
    .description('measure env steps/s on the GPU and on the CPU reference, with random actions')
    .option('--env <ids>', `env id(s), comma-separated, or 'all' (${ENV_IDS.join(', ')})`, 'all')
    .option('--envs <sizes>', 'numbers of parallel envs, comma-separated', '1024,16384,65536')
    .option('--steps <n>', 'steps of every env per timed repetition on the GPU', '1000')
    .option('--steps-per-dispatch <n>', 'env steps fused into one dispatch', '100')
    .option('--cpu-steps <n>', 'env steps (all envs together) per timed repetition on the CPU', '2000000')
    .option('--repetitions <n>', 'timed repetitions; the median is reported', '5')
    .addOption(new Option('--backend <backend>', 'what to measure').choices(['gpu', 'cpu', 'both']).default('both'))
    .option('--json', 'print one JSON object'),
).action(async (flags: BenchFlags) => {
  process.exitCode = await benchCommand(flags);
});

withGpuOptions(
  program
    .command('train')
    .description('train an agent on the GPU; writes metrics, the config and checkpoints to a run directory')
    .option('--env <id>', `env id (${ENV_IDS.join(', ')})`)
    .addOption(new Option('--algo <name>', 'algorithm (default: ppo)').choices([...ALGO_NAMES]))
    .option('--total-steps <n>', "env steps to train for (default: the algorithm's preset)")
    .option('--envs <n>', "parallel envs (default: the algorithm's preset)")
    .option('--seed <n>', 'seed of the envs, the initial parameters, the policy and the shuffles (default: 1)')
    .option('--seeds <n>', 'train n runs, of seeds seed, seed + 1, …, side by side in every dispatch (a seed grid; on a GPU about the time of one), each with its own run directory (default: 1)')
    .option('--config <file>', 'JSON object of config fields over the preset (see the README for the fields)')
    .option('--out <dir>', 'run directory (default: runs/<env>_<algo>_s<seed>); with --seeds, the folder of the runs, <dir>/s<seed> each')
    .option('--checkpoint-every <steps>', 'env steps between checkpoints (0: only at the end)', '100000')
    .option('--resume <dirs...>', 'continue the run in this directory from its checkpoint (with its env, algorithm and seed); the directories of runs of consecutive seeds at one step continue as a seed grid')
    .option('--json', 'print a JSON summary on stdout at the end (progress goes to stderr)'),
).action(async (flags: TrainFlags) => {
  process.exitCode = await trainCommand(flags);
});

withGpuOptions(
  program
    .command('profile')
    .description('time one training iteration on the GPU, kernel by kernel (the run is not kept)')
    .option('--env <id>', `env id (${ENV_IDS.join(', ')})`)
    .addOption(new Option('--algo <name>', 'algorithm (default: ppo)').choices([...ALGO_NAMES]))
    .option('--config <file>', 'JSON object of config fields over the preset, as for train')
    .option('--envs <n>', "parallel envs (default: the algorithm's preset)")
    .option('--checkpoint <dir>', "profile a run as it has trained (its env, algorithm, config and parameters) instead: the kernels skip ReLU's zeros, which training makes")
    .option('--seeds <n>', 'profile a seed grid of n runs, as train --seeds trains it (default: 1)')
    .option('--repetitions <n>', 'timed repetitions; the median is reported', '5')
    .option('--json', 'print one JSON object'),
).action(async (flags: ProfileFlags) => {
  process.exitCode = await profileCommand(flags);
});

withGpuOptions(
  program
    .command('eval')
    .description("run a trained policy and print its mean ± std episodic return")
    .requiredOption('--checkpoint <path>', 'model.safetensors, or a run directory')
    .option('--env <id>', "env id (default: the checkpoint's; checked against it)")
    .option('--episodes <n>', 'episodes to finish at least', '100')
    .option('--envs <n>', 'parallel envs', '64')
    .option('--seed <n>', 'seed of the envs and the sampled actions', '12345')
    .option('--greedy', 'take the most probable action instead of sampling')
    .option('--json', 'print one JSON object: mean_return, std_return, episodes'),
).action(async (flags: EvalFlags) => {
  process.exitCode = await evalCommand(flags);
});

program
  .command('plot')
  .description('draw the learning curves of one or more runs, overlaid, as an SVG')
  .argument('<runs...>', 'run directories written by wgym train')
  .option('--out <file>', 'SVG file (default: <first run>/learning_curve.svg)')
  .option('--title <text>', 'chart title')
  .option('--label <name>', "a run's name in the legend, once per run in order (default: the directories' names)", (name: string, names: string[] = []) => [...names, name])
  .option('--target <return>', 'draw a dashed line at this return (a learning target)')
  .option('--json', 'print one JSON object describing the plot')
  .action((runs: string[], flags: PlotFlags) => {
    process.exitCode = plotCommand(runs, flags);
  });

program
  .command('summary')
  .description("print each run's mean return over its last steps (the learning targets' measure), time and speed")
  .argument('<runs...>', 'run directories written by wgym train')
  .option('--window <steps>', 'env steps at the end of each run to average the finished episodes over', '1000000')
  .option('--json', 'print one JSON array, an object per run')
  .action((runs: string[], flags: SummaryFlags) => {
    process.exitCode = summaryCommand(runs, flags);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (and the help, where asked for).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportError(error);
  }
}
