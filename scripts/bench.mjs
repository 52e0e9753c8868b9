// `npm run bench`: a short benchmark of every env on this machine's WebGPU adapter (in Node,
// through Dawn) beside the CPU reference. Extra arguments go to `wgym bench`.
import { spawnSync } from 'node:child_process';
import { ensureNodeModules, ensureWebGpuAdapter, ROOT } from './setup.mjs';

try {
  ensureNodeModules();
  ensureWebGpuAdapter();
} catch (error) {
  console.error(`wgym: ${error.message}`);
  process.exit(1);
}
const args = ['bench', '--envs', '1024,16384', '--steps', '200', '--cpu-steps', '200000', '--repetitions', '3', ...process.argv.slice(2)];
console.log(`wgym ${args.join(' ')}`);
const result = spawnSync(process.execPath, [`${ROOT}/bin/wgym.mjs`, ...args], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
