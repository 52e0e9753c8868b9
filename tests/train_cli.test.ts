import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_ENV_ID, decodeSafetensors } from '../src/nn/safetensors.ts';
import { wgym, wgymProcess } from './helpers/cli.ts';


/** The one line a failing command prints (Dawn may add its XDG_RUNTIME_DIR warning). */
const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('wgym:') || line.includes('Error'));

const SHORT = ['--env', 'classic/cartpole', '--total-steps', '2048'];

describe('wgym train, eval and plot', () => {
  let dir: string;
  let run: string;
  let summary: Record<string, unknown>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wgym-train-'));
    run = join(dir, 'run');
    const result = wgym('train', ...SHORT, '--out', run, '--json');
    expect(result.stderr).toContain('wgym train: classic/cartpole, ppo');
    expect(result.code).toBe(0);
    summary = JSON.parse(result.stdout);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('train writes metrics, the config and a checkpoint, and prints a JSON summary on stdout', () => {
    expect(summary).toMatchObject({ env: 'classic/cartpole', algo: 'ppo', seed: 1, steps: 2048, checkpoint: run, stopped: false });
    expect(summary.steps_per_s).toBeGreaterThan(0);
    for (const file of ['config.json', 'metrics.jsonl', 'metrics.csv', 'model.safetensors', 'optimizer.safetensors', 'checkpoint.json']) {
      expect(existsSync(join(run, file)), file).toBe(true);
    }
    const records = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records.at(-1)).toMatchObject({ step: 2048, iteration: 4 });
    expect(records.at(-1).episodes).toBeGreaterThan(0);
    const csv = readFileSync(join(run, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',')).toContain('return_last100');
    expect(csv).toHaveLength(records.length + 1);
    // The model file names its env and network, under PyTorch/CleanRL tensor names.
    const model = decodeSafetensors(readFileSync(join(run, 'model.safetensors')));
    expect(model.metadata[METADATA_ENV_ID]).toBe('classic/cartpole');
    expect(model.tensors.map((t) => t.name)).toContain('actor.0.weight');
  });

  it('runs are reproducible from the seed', () => {
    const again = join(dir, 'again');
    expect(wgym('train', ...SHORT, '--out', again).code).toBe(0);
    expect(readFileSync(join(again, 'model.safetensors')).equals(readFileSync(join(run, 'model.safetensors')))).toBe(true);
  });

  it('--disable-robustness trains the same bits: no kernel reads or writes out of bounds', () => {
    // Breakout too, for the packed-bits kernels; one iteration of 8 envs.
    for (const args of [SHORT, ['--env', 'minatar/breakout', '--envs', '8', '--total-steps', '1024']]) {
      const name = args[1].replace('/', '-');
      const [checked, unchecked] = [join(dir, `checked-${name}`), join(dir, `unchecked-${name}`)];
      expect(wgym('train', ...args, '--out', checked).code).toBe(0);
      expect(wgym('train', ...args, '--out', unchecked, '--disable-robustness').code).toBe(0);
      for (const file of ['model.safetensors', 'optimizer.safetensors']) {
        expect(readFileSync(join(unchecked, file)).equals(readFileSync(join(checked, file))), `${args[1]} ${file}`).toBe(true);
      }
    }
  });

  it('eval prints mean ± std return as JSON, sampled and greedy', () => {
    for (const greedy of [[], ['--greedy']]) {
      const result = wgym('eval', '--checkpoint', run, '--episodes', '8', '--envs', '8', '--json', ...greedy);
      expect(result.code).toBe(0);
      const evaluation = JSON.parse(result.stdout);
      expect(evaluation.episodes).toBeGreaterThanOrEqual(8);
      expect(evaluation.mean_return).toBeGreaterThan(5);
      expect(evaluation.std_return).toBeGreaterThanOrEqual(0);
      expect(evaluation.greedy).toBe(greedy.length > 0);
    }
  });

  it('plot draws the learning curve as SVG, leaving out a line cut short', () => {
    const out = join(dir, 'curve.svg');
    appendFileSync(join(dir, 'again', 'metrics.jsonl'), '{"step": 20');
    const result = wgym('plot', run, join(dir, 'again'), '--out', out, '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`left out 1 unreadable lines of ${join(dir, 'again', 'metrics.jsonl')}`);
    expect(JSON.parse(result.stdout).runs).toHaveLength(2);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('>again</text>');
    expect(svg).not.toContain('stroke-dasharray');

    const labelled = join(dir, 'labelled.svg');
    expect(wgym('plot', run, join(dir, 'again'), '--out', labelled, '--label', 'first run, fresh', '--label', 'resumed', '--target', '1e3').code).toBe(0);
    const marked = readFileSync(labelled, 'utf8');
    expect(marked).toContain('>first run, fresh</text>');
    expect(marked).toContain('>resumed</text>');
    expect(marked).not.toContain('>again</text>');
    expect(marked.match(/stroke-dasharray/g)).toHaveLength(1);
    expect(marked).toContain('>target 1k</text>');
    // The target lies above every curve here, so the y axis reaches up to it.
    expect(marked).toContain('>1k</text>');

    const wrongCount = wgym('plot', run, join(dir, 'again'), '--out', labelled, '--label', 'only one');
    expect(wrongCount.code).toBe(2);
    expect(errorLines(wrongCount.stderr)).toEqual(['wgym: --label is given once per run, in order: 2 runs, 1 labels']);
    const badTarget = wgym('plot', run, '--out', labelled, '--target', 'high');
    expect(badTarget.code).toBe(2);
    expect(errorLines(badTarget.stderr)).toEqual(["wgym: --target takes a number, got 'high'"]);
  });

  it('summary averages the episodes of the last window of steps, weighting each record by its episodes', () => {
    const synthetic = join(dir, 'synthetic');
    mkdirSync(synthetic);
    writeFileSync(join(synthetic, 'config.json'), JSON.stringify({ envId: 'minatar/breakout', algo: 'ppo', seed: 7, config: { learningRate: 0.005, annealLr: true, gamma: 0.99 }, network: { torso: { kind: 'mlp', hidden: [64, 64], activation: 'relu' }, sharedTorso: false } }));
    const record = (step: number, mean: number | null, episodes: number) => ({ ...JSON.parse(readFileSync(join(run, 'metrics.jsonl'), 'utf8').split('\n')[0]), step, time_s: step / 1000, steps_per_s: 1000, return_mean: mean, window_episodes: episodes, return_last100: 9 });
    // Window 2500 from step 4000: the records after step 1500, i.e. 2000 (3 × 4), 3000 (none) and 4000 (1 × 8).
    const records = [record(1000, 100, 5), record(2000, 4, 3), record(3000, null, 0), record(4000, 8, 1)];
    writeFileSync(join(synthetic, 'metrics.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const result = wgym('summary', synthetic, run, '--window', '2500', '--json');
    expect(result.code).toBe(0);
    const [summary, real] = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ run: 'synthetic', env: 'minatar/breakout', seed: 7, steps: 4000, window_steps: 2500, window_episodes: 4, return_last100: 9 });
    expect(summary.window_return).toBeCloseTo((3 * 4 + 8) / 4, 12);
    expect(summary.settings).toBe('64-64 relu MLPs, lr 0.005 annealed, γ 0.99');
    expect(real).toMatchObject({ run: 'run', env: 'classic/cartpole', algo: 'ppo', seed: 1 });
    expect(real.window_episodes).toBeGreaterThan(0);
    const table = wgym('summary', synthetic);
    // The default window, 1M steps, takes every record: (5 · 100 + 3 · 4 + 8) / 9.
    expect(table.stdout.split('\n')[1]).toMatch(/^synthetic\s+minatar\/breakout\s+ppo\s+7\s+4.0k\s+57.78 \(9\)/);
    expect(errorLines(wgym('summary', dir).stderr)).toEqual([`wgym: no metrics.jsonl in ${dir}: is it a run directory written by 'wgym train'?`]);
    expect(errorLines(wgym('summary', synthetic, '--window', '0').stderr)).toEqual(["wgym: --window takes one positive integer, got '0'"]);
  });

  it('resume continues the run from its checkpoint, and its metrics where the checkpoint left them', () => {
    const metricsPath = join(run, 'metrics.jsonl');
    const before = readFileSync(metricsPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    // As a run killed after its checkpoint leaves them: a record past the checkpoint, a line cut short.
    appendFileSync(metricsPath, `${JSON.stringify({ ...before.at(-1), step: 2560, time_s: 1e6, episodes: 1e6 })}\n{"step": 30`);
    const result = wgym('train', '--resume', run, '--total-steps', '4096', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ steps: 4096, seed: 1 });
    expect(result.stderr).toContain('the learning rate now anneals to 0 at 4096 steps, not at the 2048');
    expect(result.stderr).toContain('removed 1 metrics records past step 2048');
    expect(result.stderr).toContain('removed 1 unreadable lines');
    const records = readFileSync(metricsPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records.slice(0, before.length)).toEqual(before);
    const resumed = records.slice(before.length);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.at(-1).step).toBe(4096);
    // Steps rise, and time and episode counts carry on from the records before the resume.
    for (let k = 1; k < records.length; k++) {
      expect(records[k].step).toBeGreaterThan(records[k - 1].step);
      expect(records[k].time_s).toBeGreaterThan(records[k - 1].time_s);
      expect(records[k].episodes).toBe(records[k - 1].episodes + records[k].window_episodes);
    }
    const csv = readFileSync(join(run, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(records.length + 1);
    expect(csv.at(-1)?.split(',')[0]).toBe('4096');
    expect(JSON.parse(readFileSync(join(run, 'checkpoint.json'), 'utf8')).step).toBe(4096);
    // A finished run, also one whose total is not a whole number of iterations (4 envs × 128 steps).
    for (const [more, total] of [[[], 4096], [['--total-steps', '4300'], 4300]] as const) {
      const finished = wgym('train', '--resume', run, ...more);
      expect(finished.code).toBe(2);
      expect(errorLines(finished.stderr)).toEqual([`wgym: this run is already at step 4096 of its ${total}; pass a larger --total-steps to train it further`]);
    }
  });

  it('--seeds trains a seed grid: each seed as it trains alone, in its own directory, resumed together', () => {
    const grid = join(dir, 'grid');
    const result = wgym('train', ...SHORT, '--seed', '2', '--seeds', '3', '--out', grid, '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('seeds 2–4 side by side');
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ steps: 2048, seeds: [2, 3, 4], stopped: false });
    expect(summary.runs.map((r: { seed: number; checkpoint: string }) => [r.seed, r.checkpoint])).toEqual([2, 3, 4].map((seed) => [seed, join(grid, `s${seed}`)]));
    // Seed 3 alone, then both continued (the grid from its three directories, named in any order).
    const alone = join(dir, 'alone3');
    expect(wgym('train', ...SHORT, '--seed', '3', '--out', alone).code).toBe(0);
    const same = (file: string) => readFileSync(join(grid, 's3', file)).equals(readFileSync(join(alone, file)));
    expect(same('model.safetensors') && same('optimizer.safetensors')).toBe(true);
    expect(wgym('train', '--resume', join(grid, 's4'), join(grid, 's2'), join(grid, 's3'), '--total-steps', '3072').code).toBe(0);
    expect(wgym('train', '--resume', alone, '--total-steps', '3072').code).toBe(0);
    expect(same('model.safetensors') && same('optimizer.safetensors')).toBe(true);
    expect(JSON.parse(readFileSync(join(grid, 's4', 'checkpoint.json'), 'utf8'))).toMatchObject({ seed: 4, step: 3072 });
    // Runs that do not make a grid: seeds 2 and 4 (not consecutive), and --seeds against --resume.
    const gap = wgym('train', '--resume', join(grid, 's2'), join(grid, 's4'), '--total-steps', '4096');
    expect(gap.code).toBe(2);
    expect(errorLines(gap.stderr)).toEqual([expect.stringMatching(/^wgym: --resume: .*s4 \(classic\/cartpole, ppo, seed 4, step 3072\) does not continue a seed grid with .*s2 .*consecutive seeds$/)]);
    const count = wgym('train', '--resume', alone, '--seeds', '2', '--total-steps', '4096');
    expect(errorLines(count.stderr)).toEqual(['wgym: --seeds 2: --resume continues the run it names; to resume a seed grid, name the directory of each of its runs']);
  });

  it('Ctrl-C stops after the iteration with a checkpoint and a summary, also when the signal comes twice at once', async () => {
    const out = join(dir, 'interrupted');
    const { child, output, exit } = wgymProcess('train', '--env', 'classic/cartpole', '--total-steps', '10000000', '--out', out, '--json');
    // Once a record is written, training is under way (and the handler installed).
    const metrics = join(out, 'metrics.jsonl');
    while (!(existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0)) {
      if (child.exitCode !== null) throw new Error(`train exited early: ${output.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // As `timeout -s INT` and npm can deliver it: the same interrupt twice, a moment apart.
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 30));
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(output.stderr).toContain('stopping after this iteration and saving a checkpoint');
    const summary = JSON.parse(output.stdout);
    expect(summary).toMatchObject({ stopped: true, checkpoint: out });
    expect(summary.steps).toBeGreaterThan(0);
    expect(summary.steps).toBeLessThan(10000000);
    expect(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).step).toBe(summary.steps);
    expect(wgym('eval', '--checkpoint', out, '--episodes', '2', '--envs', '2').code).toBe(0);
  });

  it('refuses to overwrite a run, and rejects bad configs with one line naming the field', () => {
    const again = wgym('train', ...SHORT, '--out', run);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a run; continue it with --resume');
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ learningRate: -1 }));
    const bad = wgym('train', ...SHORT, '--config', config, '--out', join(dir, 'bad'));
    expect(bad.code).toBe(2);
    expect(errorLines(bad.stderr)).toEqual([expect.stringMatching(/^wgym: ppo config: field 'learningRate'/)]);
    writeFileSync(config, JSON.stringify({ numEnv: 4 }));
    expect(wgym('train', ...SHORT, '--config', config, '--out', join(dir, 'bad')).stderr).toMatch(/field '\(config\)'.*numEnv|numEnv/);
  });

  it('rejects corrupt and mismatched checkpoints, never loading them', () => {
    const wrongEnv = wgym('eval', '--checkpoint', run, '--env', 'minatar/breakout');
    expect(wrongEnv.code).toBe(2);
    expect(wrongEnv.stderr).toContain('parameters are for env "classic/cartpole", expected "minatar/breakout"');

    const broken = join(dir, 'broken');
    expect(wgym('train', ...SHORT, '--out', broken).code).toBe(0);
    const model = join(broken, 'model.safetensors');
    const bytes = readFileSync(model);
    writeFileSync(model, bytes.subarray(0, bytes.length - 100));
    const truncated = wgym('eval', '--checkpoint', broken);
    expect(truncated.code).toBe(2);
    expect(errorLines(truncated.stderr)).toHaveLength(1);
    expect(truncated.stderr).toContain('model.safetensors');

    // A model file from another step than the checkpoint's JSON: an incomplete checkpoint.
    writeFileSync(model, readFileSync(join(run, 'model.safetensors')));
    const mixed = wgym('train', '--resume', broken, '--total-steps', '4096');
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('the checkpoint is incomplete');

    // A flag naming another run than this one is refused rather than ignored.
    for (const [flag, value, own] of [['--env', 'minatar/breakout', 'classic/cartpole'], ['--algo', 'a2c', 'ppo'], ['--seed', '2', '1']]) {
      const other = wgym('train', '--resume', run, flag, value);
      expect(other.code, flag).toBe(2);
      expect(errorLines(other.stderr)).toEqual([`wgym: ${flag} ${value}: this run was started with ${flag} ${own}, and --resume continues it as it was`]);
    }
    // Another rollout shape would misplace the checkpoint's step; the run is left as it was.
    const checkpointBefore = readFileSync(join(run, 'checkpoint.json'), 'utf8');
    const reshaped = wgym('train', '--resume', run, '--envs', '8', '--total-steps', '65536');
    expect(reshaped.code).toBe(2);
    expect(errorLines(reshaped.stderr)).toEqual([expect.stringContaining('a resumed run must keep that (asked for 8 × 128)')]);
    expect(readFileSync(join(run, 'checkpoint.json'), 'utf8')).toBe(checkpointBefore);
  });

  it('reports a diverging run with its step and keeps no bad checkpoint', () => {
    const config = join(dir, 'diverge.json');
    writeFileSync(config, JSON.stringify({ learningRate: 1e30, maxGradNorm: 1e30 }));
    const out = join(dir, 'diverged');
    const result = wgym('train', '--env', 'classic/cartpole', '--total-steps', '4096', '--config', config, '--out', out);
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([expect.stringMatching(/^wgym: training diverged: the loss became NaN by step \d+/)]);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
  });
});
