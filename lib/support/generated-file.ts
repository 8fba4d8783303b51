/**
 * The `main` of a build script whose output is a generated file committed to the repository
 * (lib/breadth/catalog.json, lib/report/rule-texts.json): write `text` to `path`, or, with
 * `--check`, exit 1 when the committed file differs. Each file's unit test makes the same
 * comparison, so a stale file also fails the tests.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Returns the process exit code: 0 written or up to date, 1 stale (`--check`). */
export function writeOrCheckGenerated(path: string, text: string, argv: readonly string[], command: string): number {
  if (argv.includes('--check')) {
    if (readFileSync(path, 'utf8') !== text) {
      console.error(`${path} is stale: run ${command}`);
      return 1;
    }
    console.log(`${path} is up to date`);
    return 0;
  }
  writeFileSync(path, text);
  console.log(`wrote ${path} (${Buffer.byteLength(text)} bytes)`);
  return 0;
}
