#!/usr/bin/env node
// Entry point of the `art32` CLI. The CLI is TypeScript run through tsx, so the
// same sources serve Lambda (bundled by esbuild) and the command line, with no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Everything art32 writes (the embedded store's LevelDB files, audit packs, reports) describes
// an organisation's weaknesses: private to the user, whatever umask the shell had. Code that
// creates files also passes explicit modes (lib/support/private-files); this covers libraries.
process.umask(0o077);

// `art32 scan … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Auditors run art32 inside directories they received from the audited party. Left to
// itself, tsx looks for a tsconfig.json from the working directory upwards (or in
// TSX_TSCONFIG_PATH), and that file's `paths` would redirect the CLI's own imports
// (`zod` → a file of the directory's author): code execution. The package's own
// tsconfig.json, and only it, decides how art32's sources are compiled and resolved.
// Node resolves bare imports from the importing file's directory (the package), and a
// package.json in the working directory is not the nearest one to any art32 source.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { silenceSdkNodeVersionWarning } = await import('../lib/support/node-warnings.ts');
silenceSdkNodeVersionWarning();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
