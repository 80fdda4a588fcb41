#!/usr/bin/env node
// `npm test`: typecheck, lint, vitest (unit + integration), then Playwright e2e.
// CI reads only a plain closing line `N passed, N failed`, which neither vitest nor Playwright prints,
// so this script sums their JSON reports. Typecheck and lint count as one check each.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, cmd, args) {
  process.stderr.write(`\n=== ${label}: ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return r.status === 0;
}

function check(label, cmd, args) {
  const ok = run(label, cmd, args);
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    process.stderr.write(`${label} FAILED\n`);
  }
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

// tsc emits dist/ while it checks, so integration tests always spawn a fresh relay build.
check('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json']);
check('typecheck (web)', bin('vue-tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
check('lint', bin('eslint'), ['.']);

const vitestReport = join(root, '.vitest-report.json');
rmSync(vitestReport, { force: true });
const vitestOk = run('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const vr = readJson(vitestReport);
if (vr) {
  totals.passed += vr.numPassedTests ?? 0;
  totals.failed += vr.numFailedTests ?? 0;
  totals.skipped += (vr.numPendingTests ?? 0) + (vr.numTodoTests ?? 0);
  // A suite that fails to load has no failed test, yet must fail the run.
  const brokenSuites = (vr.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
  totals.failed += brokenSuites;
  if (!vitestOk && (vr.numFailedTests ?? 0) === 0 && brokenSuites === 0) totals.failed += 1;
} else {
  totals.failed += 1;
  process.stderr.write('vitest produced no report\n');
}

const e2eDir = join(root, 'tests', 'e2e');
const hasE2e = existsSync(e2eDir) && readdirSync(e2eDir, { recursive: true }).some((f) => String(f).endsWith('.spec.ts'));
if (hasE2e) {
  check('build renderer for e2e', bin('electron-vite'), ['build']);
  const pwReport = join(root, '.playwright-report.json');
  rmSync(pwReport, { force: true });
  const pwOk = spawnSync(bin('playwright'), ['test'], {
    cwd: root,
    env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport },
    stdio: 'inherit',
  }).status === 0;
  const pr = readJson(pwReport);
  if (pr?.stats) {
    totals.passed += (pr.stats.expected ?? 0) + (pr.stats.flaky ?? 0);
    totals.failed += pr.stats.unexpected ?? 0;
    totals.skipped += pr.stats.skipped ?? 0;
    if (!pwOk && (pr.stats.unexpected ?? 0) === 0) totals.failed += 1;
  } else {
    totals.failed += 1;
    process.stderr.write('playwright produced no report\n');
  }
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exit(totals.failed === 0 ? 0 : 1);
