// `npm test`: installs what a fresh clone lacks, runs Vitest, and ends with the plain line
// "N passed, N failed" that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodeModules, ensureWebGpuAdapter, ROOT } from './setup.mjs';

try {
  ensureNodeModules();
  console.log(`wgym: GPU tests run on: ${ensureWebGpuAdapter()}`);
} catch (error) {
  console.error(`wgym: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const reportDir = mkdtempSync(join(tmpdir(), 'wgym-test-'));
const reportFile = join(reportDir, 'vitest.json');
const vitest = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit' },
);

let passed = 0;
let failed = 1;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  // Files that failed to load count as failures even when no test inside them ran.
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  failed = report.numFailedTests + brokenFiles;
} catch {
  console.error('wgym: Vitest wrote no report');
}
rmSync(reportDir, { recursive: true, force: true });
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
