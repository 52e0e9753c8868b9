import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ShaderLibrary } from './shaders.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Reads WGSL from the project's files, whatever the working directory; caches each file. */
export function fileShaderLibrary(root = PROJECT_ROOT): ShaderLibrary {
  const cache = new Map<string, string>();
  return {
    read(path) {
      let source = cache.get(path);
      if (source === undefined) {
        source = readFileSync(`${root}/${path}`, 'utf8');
        cache.set(path, source);
      }
      return source;
    },
  };
}
