import { fileURLToPath } from 'node:url';

/** The shared recordings live beside the project, never copied into it. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export function fixturePath(envId: string): string {
  return `${FIXTURES_DIR}${envId}.jsonl`;
}
