import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/wgym.mjs', import.meta.url));

/** Runs the real CLI from another working directory, as a user would. */
export function wgym(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: tmpdir(), encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The real CLI as a running process, for tests that signal it; its output collected as it comes. */
export function wgymProcess(...args: string[]): { child: ChildProcess; output: { stdout: string; stderr: string }; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: tmpdir() });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (data) => (output.stdout += data));
  child.stderr?.on('data', (data) => (output.stderr += data));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output, exit };
}
