#!/usr/bin/env node
// Entry point of the `art32` CLI. The CLI is TypeScript run through tsx, so the
// same sources serve Lambda (bundled by esbuild) and the command line, with no build step.
import { register } from 'tsx/esm/api';

// `art32 scan … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { silenceSdkNodeVersionWarning } = await import('../lib/support/node-warnings.ts');
silenceSdkNodeVersionWarning();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
