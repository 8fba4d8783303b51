// Prints vitest's totals as one plain closing line ("N passed, N failed, N skipped"),
// the form CI reads for any test runner.
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync('.vitest/results.json', 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
process.exit(r.success && r.numTotalTests > 0 ? 0 : 1);
