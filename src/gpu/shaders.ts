/**
 * WGSL sources by path from the project root ('shaders/rng.wgsl', 'envs/classic/cartpole/step.wgsl').
 * Node reads the files (shaders-node.ts); the browser bundles them (shaders-web.ts).
 */
export interface ShaderLibrary {
  read(path: string): string;
}

/**
 * Composition is explicit: a pipeline names its modules in order and gets their concatenation.
 * WGSL resolves module-scope names in any order, so a module may use what a later one declares;
 * each module's header says what it expects its companions to provide.
 */
export function composeShader(library: ShaderLibrary, paths: readonly string[]): string {
  return paths.map((path) => `// ---- ${path}\n${library.read(path)}`).join('\n');
}

/**
 * Keeps only the constants that the source declares as `override`, since WebGPU rejects values
 * for names a module does not declare; params that only the CPU reference uses pass silently.
 */
export function declaredOverrides(source: string, constants: Record<string, number>): Record<string, number> {
  const declared = new Set([...source.matchAll(/^\s*override\s+(\w+)/gm)].map((match) => match[1]));
  return Object.fromEntries(Object.entries(constants).filter(([name]) => declared.has(name)));
}
