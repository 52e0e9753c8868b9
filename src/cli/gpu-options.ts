import { Command, Option } from 'commander';
import { requireFullLoops } from '../gpu/loop-limit.ts';
import { requestNodeGpu } from '../gpu/node.ts';

export interface GpuFlags {
  adapter?: string;
  dawnBackend?: string;
  compat?: boolean;
  disableRobustness?: boolean;
}

/** The adapter-selection flags every GPU command shares. */
export function withGpuOptions(command: Command): Command {
  return command
    .addOption(new Option('--adapter <name>', "adapter to use: 'software' for SwiftShader, or a name Dawn lists"))
    .addOption(new Option('--dawn-backend <backend>', 'Dawn backend').choices(['vulkan', 'opengles', 'opengl', 'null']))
    .addOption(new Option('--compat', 'request a compatibility-mode adapter (e.g. Mesa llvmpipe via --dawn-backend opengles)'))
    .addOption(new Option('--disable-robustness', "leave out WebGPU's bounds checks on buffer accesses (Dawn's disable_robustness): faster, most on a software adapter"));
}

export function openGpu(flags: GpuFlags) {
  return requestNodeGpu({ adapter: flags.adapter, backend: flags.dawnBackend, compatibility: flags.compat, robustness: !flags.disableRobustness });
}

/** openGpu for the commands whose kernels loop long (train, eval, profile, bench): refuses an adapter that cuts loops short. */
export async function openGpuForLongKernels(flags: GpuFlags) {
  const gpu = await openGpu(flags);
  try {
    await requireFullLoops(gpu, 'use SwiftShader instead (the default without a GPU: apt-get install -y chromium libvulkan1) or a GPU');
  } catch (error) {
    gpu.device.destroy();
    throw error;
  }
  return gpu;
}
