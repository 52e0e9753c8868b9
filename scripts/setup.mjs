// What `npm test` and `npm start` need on a fresh clone, in plain Node (no dependencies yet):
// npm packages, and on Linux without a WebGPU adapter, the software Vulkan driver.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Mesa's EGL, GLES and llvmpipe too, for the test that wgym refuses llvmpipe (tests/loop_limit.test.ts).
const SOFTWARE_DRIVER_PACKAGES = ['chromium', 'libvulkan1', 'libegl1', 'libegl-mesa0', 'libgles2', 'libgl1-mesa-dri'];
const INSTALL_COMMAND = `apt-get update && apt-get install -y ${SOFTWARE_DRIVER_PACKAGES.join(' ')}`;

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
}

export function ensureNodeModules() {
  if (existsSync(`${ROOT}/node_modules/.package-lock.json`) && existsSync(`${ROOT}/node_modules/webgpu`)) return;
  console.log('wgym: installing npm dependencies (npm ci)');
  const result = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (result.status !== 0) throw new Error('npm ci failed');
}

/** Asks the CLI for an adapter in a child process, so a crash or a missing driver is contained. */
function adapterName() {
  const result = spawnSync(process.execPath, [`${ROOT}/bin/wgym.mjs`, 'info'], { cwd: ROOT, encoding: 'utf8' });
  const line = result.stdout.split('\n').find((text) => text.startsWith('adapter: '));
  return result.status === 0 && line ? line.slice('adapter: '.length) : undefined;
}

/**
 * Returns the adapter's name; on Linux without one, installs SwiftShader from Debian's chromium
 * package when running as root, or says which command would.
 */
export function ensureWebGpuAdapter() {
  let name = adapterName();
  if (name) return name;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (process.platform !== 'linux' || !isRoot || !hasApt) {
    throw new Error(
      process.platform === 'linux'
        ? `no WebGPU adapter found. Install the software Vulkan driver as root:\n  ${INSTALL_COMMAND}`
        : 'no WebGPU adapter found: install a GPU driver with Vulkan, Metal or D3D12 support.',
    );
  }
  console.log(`wgym: no WebGPU adapter found; installing the software Vulkan driver: ${INSTALL_COMMAND}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('sh', ['-c', INSTALL_COMMAND], { env }).status !== 0) throw new Error(`'${INSTALL_COMMAND}' failed`);
  name = adapterName();
  if (!name) throw new Error('still no WebGPU adapter after installing the software Vulkan driver');
  return name;
}
