import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loopIterationLimit, requireFullLoops } from '../src/gpu/loop-limit.ts';
import { requestNodeGpu } from '../src/gpu/node.ts';
import { wgym } from './helpers/cli.ts';
import { testGpu } from './helpers/gpu.ts';

const MESA_HELP = "needs Mesa's EGL and llvmpipe (as root: apt-get install -y libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)";

// Mesa llvmpipe through Dawn's OpenGL ES backend: the adapter that cut the training kernels short.
function openLlvmpipe() {
  return requestNodeGpu({ backend: 'opengles', compatibility: true }).catch((error: Error) => {
    throw new Error(`this test ${MESA_HELP}: ${error.message}`);
  });
}

describe('loop iteration limit', () => {
  it('finds none on the test adapter, which runs every iteration', async () => {
    expect(await loopIterationLimit(await testGpu())).toBeUndefined();
  });

  it("finds Mesa llvmpipe's 65,535 through Dawn's OpenGL ES backend", async () => {
    const gl = await openLlvmpipe();
    try {
      expect(gl.adapterName).toContain('Mesa');
      expect(await loopIterationLimit(gl)).toBe(65535);
      // Each host says what its user can do instead: the page has no use for the CLI's apt-get.
      await expect(requireFullLoops(gl, 'open the page elsewhere')).rejects.toThrow(/after 65,535 loop iterations .*short; open the page elsewhere$/);
    } finally {
      gl.device.destroy();
    }
  });

  it("opens that compatibility-mode adapter's device with its compute limits, not compat's lower defaults", async () => {
    const gl = await openLlvmpipe();
    try {
      expect(gl.device.limits.maxComputeWorkgroupSizeX).toBeGreaterThanOrEqual(256);
      expect(gl.device.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    } finally {
      gl.device.destroy();
    }
  });

  it('makes wgym train refuse that adapter in one line, before it writes a run directory', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wgym-loop-limit-')), 'run');
    const result = wgym('train', '--env', 'classic/cartpole', '--total-steps', '512', '--dawn-backend', 'opengles', '--compat', '--out', out);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('wgym'));
    expect(lines, `${MESA_HELP}; stderr: ${result.stderr}`).toEqual([expect.stringMatching(/ends every shader invocation after 65,535 loop iterations.*use SwiftShader/)]);
    expect(result.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
