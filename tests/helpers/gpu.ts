import { requestNodeGpu } from '../../src/gpu/node.ts';
import type { GpuContext } from '../../src/gpu/context.ts';

let context: Promise<GpuContext> | undefined;

/**
 * The test process's GPU (SwiftShader on machines without one). GPU tests never skip: no adapter
 * fails them, with the message that says how to get one.
 */
export function testGpu(): Promise<GpuContext> {
  context ??= requestNodeGpu();
  return context;
}
