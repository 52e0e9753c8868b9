/**
 * The first state word where the two backends differ, as "env i, word: GPU value, CPU value", or
 * undefined when they agree. For states of thousands of envs, where toEqual takes seconds.
 */
export function firstStateDifference(stateNames: readonly string[], onGpu: Float64Array, onCpu: Float64Array): string | undefined {
  if (onGpu.length !== onCpu.length) return `${onGpu.length} state words on the GPU, ${onCpu.length} on the CPU`;
  const words = stateNames.length;
  for (let k = 0; k < onCpu.length; k++) {
    if (onGpu[k] !== onCpu[k]) return `env ${Math.floor(k / words)}, ${stateNames[k % words]}: ${onGpu[k]} on the GPU, ${onCpu[k]} on the CPU`;
  }
  return undefined;
}
