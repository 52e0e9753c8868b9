import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from './helpers/fixtures.ts';
import { wgym } from './helpers/cli.ts';


describe('wgym CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wgym-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the commands', () => {
    const { code, stdout } = wgym('--help');
    expect(code).toBe(0);
    for (const command of ['envs', 'info', 'conformance', 'bench', 'profile', 'train', 'eval', 'plot', 'summary']) expect(stdout).toContain(command);
  });

  it('conformance passes a classic fixture on both backends and finds its shaders from any directory', () => {
    const { code, stdout } = wgym('conformance', fixturePath('classic/mountain_car'));
    expect(stdout).toContain('classic/mountain_car (cpu): 40/40 episodes match');
    expect(stdout).toContain('classic/mountain_car (gpu): 40/40 episodes match');
    expect(code).toBe(0);
  });

  it('conformance exits 1 and names the first mismatch', () => {
    const lines = readFileSync(fixturePath('classic/cartpole'), 'utf8').trim().split('\n').slice(0, 2);
    const episode = JSON.parse(lines[1]);
    episode.steps[2].reward = 0.5;
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${lines[0]}\n${JSON.stringify(episode)}\n`);
    const { code, stdout } = wgym('conformance', file, '--backend', 'cpu');
    expect(code).toBe(1);
    expect(stdout).toContain('1/2 episodes match');
    expect(stdout).toMatch(/first mismatch: episode 1 \(seed \d+\), step 2, field reward: expected 0.5, got 1/);
  });

  it('bench prints one JSON object with a row per size', () => {
    const { code, stdout } = wgym('bench', '--env', 'classic/cartpole', '--envs', '64,128', '--steps', '20', '--steps-per-dispatch', '10', '--cpu-steps', '2000', '--repetitions', '1', '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.adapter).toMatch(/\w/);
    expect(summary.rows.map((row: { numEnvs: number }) => row.numEnvs)).toEqual([64, 128]);
    for (const row of summary.rows) {
      expect(row.gpuStepsPerSec).toBeGreaterThan(0);
      expect(row.cpuStepsPerSec).toBeGreaterThan(0);
      expect(row.ratio).toBeCloseTo(row.gpuStepsPerSec / row.cpuStepsPerSec);
    }
  });

  it('profile times every kernel of a training iteration, in the shape the config asks for', () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ numMinibatches: 2 }));
    const { code, stdout } = wgym('profile', '--env', 'classic/cartpole', '--config', config, '--repetitions', '1', '--json');
    expect(code).toBe(0);
    const profile = JSON.parse(stdout);
    // PPO's CartPole preset: 4 epochs; here 2 minibatches each, so 8 updates of pack, loss,
    // gradients and Adam's two kernels, plus the rollout and the returns (the first pack is the rollout's).
    const updates = 4 * 2;
    expect(profile.phases.map((phase: { name: string }) => phase.name)).toEqual(['pack_weights', 'rollout', 'compute_returns', 'sample_gradients', 'parameter_gradients', 'adam']);
    expect(profile.phases.map((phase: { dispatches_per_iteration: number }) => phase.dispatches_per_iteration)).toEqual([updates, 1, 1, updates, updates, 2 * updates]);
    expect(profile.dispatches_per_iteration).toBe(2 + 5 * updates);
    for (const phase of profile.phases) {
      expect(phase.ms_per_dispatch).toBeGreaterThan(0);
      expect(phase.ms_per_iteration).toBeCloseTo(phase.ms_per_dispatch * phase.dispatches_per_iteration, 6);
    }
    expect(profile.steps_per_iteration).toBe(4 * 128);
    expect(profile.steps_per_s).toBeCloseTo(profile.steps_per_iteration / (profile.iteration_ms / 1e3), 3);
  });

  it("profile --checkpoint times a run as it has trained, with the run's own env and config", () => {
    const config = join(dir, 'small.json');
    writeFileSync(config, JSON.stringify({ numMinibatches: 2 }));
    const run = join(dir, 'profiled-run');
    expect(wgym('train', '--env', 'classic/cartpole', '--envs', '8', '--config', config, '--total-steps', '2048', '--out', run, '--json').code).toBe(0);
    const { code, stdout } = wgym('profile', '--checkpoint', run, '--repetitions', '1', '--json');
    expect(code).toBe(0);
    const profile = JSON.parse(stdout);
    expect(profile.env).toBe('classic/cartpole');
    expect(profile.algo).toBe('ppo');
    expect(profile.checkpoint_step).toBe(2048);
    // The run's 8 envs and 2 minibatches, not the preset's 4 and 4.
    expect(profile.steps_per_iteration).toBe(8 * 128);
    expect(profile.dispatches_per_iteration).toBe(2 + 5 * 4 * 2);
    // As a seed grid of three: three times the steps in the same dispatches.
    const grid = JSON.parse(wgym('profile', '--checkpoint', run, '--seeds', '3', '--repetitions', '1', '--json').stdout);
    expect(grid).toMatchObject({ seeds: 3, steps_per_iteration: 3 * 8 * 128, dispatches_per_iteration: 2 + 5 * 4 * 2 });
    expect(grid.steps_per_s).toBeCloseTo(grid.steps_per_iteration / (grid.iteration_ms / 1e3), 3);
  });

  it.each([
    [['profile', '--env', 'atari/pong'], /^wgym: unknown env id 'atari\/pong'; valid ids: /],
    [['profile'], /^wgym: profile needs --env <id>, or --checkpoint <run dir>/],
    [['profile', '--checkpoint', '/nonexistent', '--env', 'classic/cartpole', '--algo', 'a2c'], /^wgym: --checkpoint profiles the run with its own env, algorithm and config; leave out --env, --algo$/m],
    [['profile', '--checkpoint', '/nonexistent'], /^wgym: .*\/nonexistent\/checkpoint.json/],
    [['profile', '--env', 'classic/cartpole', '--repetitions', '0'], /^wgym: --repetitions takes one positive integer, got '0'/],
    [['profile', '--env', 'classic/cartpole', '--seeds', '0'], /^wgym: --seeds takes one positive integer, got '0'/],
    [['train', '--env', 'classic/cartpole', '--seeds', 'three'], /^wgym: --seeds takes one positive integer, got 'three'/],
    [['bench', '--env', 'atari/pong'], /^wgym: unknown env id 'atari\/pong'; valid ids: /],
    [['bench', '--envs', '10,-4'], /^wgym: --envs takes positive integers separated by commas, got '10,-4'/],
    [['bench', '--backend', 'tpu'], /error: option '--backend <backend>' argument 'tpu' is invalid/],
    [['conformance', '/nonexistent.jsonl'], /^wgym: cannot read fixture '\/nonexistent.jsonl': ENOENT/],
    [['frobnicate'], /error: unknown command 'frobnicate'/],
  ])('bad input %j: one clear line, exit 2, no stack trace', (args, message) => {
    const { code, stderr } = wgym(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
