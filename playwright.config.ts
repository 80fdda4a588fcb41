// Playwright e2e: Debian's Chromium (ENVIRONMENT.md) drives the real UI served by `cairn serve` processes on
// temp homes against a real relay (tests/e2e/helpers). `npm test` (scripts/test.mjs) builds dist/ and
// out/renderer first and reads the JSON report named by PLAYWRIGHT_JSON_OUTPUT_NAME.
import { existsSync } from 'node:fs';
import { defineConfig, type ReporterDescription } from '@playwright/test';

// Debian's package, or the one named here; without either, Playwright's own download (not possible offline).
const chromium = process.env['CAIRN_CHROMIUM'] ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const reporter: ReporterDescription[] = [['list']];
if (process.env['PLAYWRIGHT_JSON_OUTPUT_NAME']) reporter.push(['json']);

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two cores: every spec runs relays, cairn serve processes and a browser; one worker keeps timings sane.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  reporter,
  use: {
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
