import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GpuUnavailableError, openDevice, type GpuContext } from './context.ts';
import { fileShaderLibrary } from './shaders-node.ts';

/** SwiftShader's Vulkan driver as Debian's chromium package installs it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const NO_ADAPTER_HELP = [
  'wgym: no WebGPU adapter found.',
  'Install a GPU driver with Vulkan support, or on headless Linux the software Vulkan driver SwiftShader',
  `(as root: apt-get install -y chromium libvulkan1; wgym then finds ${SWIFTSHADER_ICD} by itself).`,
].join('\n');

export interface NodeGpuOptions {
  /** Dawn backend, e.g. 'vulkan' or 'opengles'. */
  backend?: string;
  /** 'software' for SwiftShader, or an adapter name as Dawn lists it. */
  adapter?: string;
  /** Ask for a compatibility-mode adapter (needed for Mesa llvmpipe through 'opengles'). */
  compatibility?: boolean;
  /**
   * false: Dawn's disable_robustness, which leaves out the bounds checks WebGPU puts on every buffer
   * access. Faster (most on a software adapter, where each check is instructions on the CPU); an
   * access out of bounds is then undefined instead of clamped.
   */
  robustness?: boolean;
}

function hasHardwareGpu(): boolean {
  const dri = existsSync('/dev/dri') && readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  return dri || existsSync('/dev/nvidia0');
}

type DawnModule = { create(flags: string[]): GPU; globals: Record<string, unknown> };

async function loadDawn(): Promise<DawnModule> {
  try {
    return (await import('webgpu')) as unknown as DawnModule;
  } catch (error) {
    throw new GpuUnavailableError(`wgym: the npm package 'webgpu' (Dawn for Node) could not be loaded: ${(error as Error).message}`);
  }
}

/**
 * Dawn's GPU objects must outlive their devices: when the garbage collector frees one, its native
 * instance goes with it and later device calls crash the process. Every instance made is kept here.
 */
const liveInstances: GPU[] = [];

async function requestAdapter(dawn: DawnModule, flags: string[], compatibility: boolean): Promise<GPUAdapter | null> {
  try {
    const gpu = dawn.create(flags);
    liveInstances.push(gpu);
    return await gpu.requestAdapter(compatibility ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' });
  } catch (error) {
    throw new GpuUnavailableError(`wgym: Dawn rejected the adapter options (${flags.join(' ')}): ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The flags for Dawn's `create` that the options ask for. */
export function dawnFlags(options: NodeGpuOptions): string[] {
  const flags: string[] = [];
  if (options.backend) flags.push(`backend=${options.backend}`);
  if (options.adapter && options.adapter !== 'software') flags.push(`adapter=${options.adapter}`);
  if (options.robustness === false) flags.push('enable-dawn-features=disable_robustness');
  return flags;
}

/**
 * Node's only host-specific step: a GPUDevice from Dawn. Without a Vulkan driver on the system
 * (no /dev/dri render node, no NVIDIA device) and without VK_ICD_FILENAMES, it uses SwiftShader
 * when installed, so headless machines and CI run the real WGSL on a software adapter.
 */
export async function requestNodeGpu(options: NodeGpuOptions = {}): Promise<GpuContext> {
  const softwareAvailable = existsSync(SWIFTSHADER_ICD);
  if (options.adapter === 'software') {
    if (!softwareAvailable) throw new GpuUnavailableError(`wgym: --adapter software needs ${SWIFTSHADER_ICD}.\n${NO_ADAPTER_HELP}`);
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  } else if (!process.env.VK_ICD_FILENAMES && softwareAvailable && !hasHardwareGpu()) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // The Vulkan loader's window-system code complains on every start without one.
  if (!process.env.XDG_RUNTIME_DIR) {
    const runtimeDir = join(tmpdir(), `wgym-runtime-${process.getuid?.() ?? 'user'}`);
    mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = runtimeDir;
  }
  // Dawn's OpenGL backends find Mesa through EGL, which without a display must be told to go surfaceless.
  const openGl = options.backend === 'opengles' || options.backend === 'opengl';
  if (openGl && !process.env.EGL_PLATFORM && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    process.env.EGL_PLATFORM = 'surfaceless';
  }
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals);
  const flags = dawnFlags(options);
  const compatibility = options.compatibility ?? false;
  let adapter = await requestAdapter(dawn, flags, compatibility);
  if (!adapter && !process.env.VK_ICD_FILENAMES && softwareAvailable) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    adapter = await requestAdapter(dawn, flags, compatibility);
  }
  if (!adapter) throw new GpuUnavailableError(NO_ADAPTER_HELP);
  return openDevice(adapter, fileShaderLibrary());
}
