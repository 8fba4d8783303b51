import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    // Handlers log through Powertools; tests assert on behaviour, not on log lines.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_NAMESPACE: 'art32-test', POWERTOOLS_METRICS_DISABLED: 'true' },
    // CDK synthesis and bundling tests are slower than unit tests.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Under .ci/vitest-guard.mjs (npm test) each worker writes a Node diagnostic report on SIGUSR2: a run that
    // stalls says which handles its worker waits on (its JavaScript stack comes through its inspector) before it is killed.
    execArgv: process.env.ART32_TEST_REPORT_ARGS ? (JSON.parse(process.env.ART32_TEST_REPORT_ARGS) as string[]) : [],
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
