#!/usr/bin/env node
// Entry point of the `art32` CLI. The CLI is TypeScript run through tsx, so the
// same sources serve Lambda (bundled by esbuild) and the command line, with no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns about Node 20's end of support on every start; the CLI says it once in
// `--help` instead of on every command. Other warnings pass through.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  if (/NodeVersionSupportWarning|will require node >=22/.test(`${text} ${rest[0]?.type ?? rest[0] ?? ''}`)) return;
  return emitWarning(warning, ...rest);
};

// `art32 scan … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
