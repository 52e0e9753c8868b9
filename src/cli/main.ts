import { Command, CommanderError, Option } from 'commander';
import { ENVS, ENV_IDS } from '../../envs/index.ts';
import { benchCommand, type BenchFlags } from './bench.ts';
import { conformanceCommand, type ConformanceFlags } from './conformance.ts';
import { reportError } from './errors.ts';
import { openGpu, withGpuOptions, type GpuFlags } from './gpu-options.ts';

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
