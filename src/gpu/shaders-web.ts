import type { ShaderLibrary } from './shaders.ts';

const modules = import.meta.glob(['/shaders/**/*.wgsl', '/envs/**/*.wgsl'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** The WGSL files, bundled by Vite at build time. */
export const bundledShaderLibrary: ShaderLibrary = {
  read(path) {
    const source = modules[`/${path}`];
    if (source === undefined) throw new Error(`wgym: no bundled shader '${path}'`);
    return source;
  },
};
