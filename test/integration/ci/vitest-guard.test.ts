import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Runs the guard (what `npm test` runs) on one fixture suite of test/fixtures/vitest-guard. */
function guard(fixture: string, env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['.ci/vitest-guard.mjs', '--config', 'test/fixtures/vitest-guard/vitest.config.ts'], {
    encoding: 'utf8',
    env: { ...process.env, FIXTURE: fixture, NO_COLOR: '1', ...env },
    // Bounded here too: if the guard failed to end a stalled run, this test fails instead of wedging ours.
    timeout: 240_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Processes still running whose command line is exactly `args`. */
function running(args: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === args;
      } catch {
        return false;
      }
    })
    .map(Number);
}

// Each case runs vitest (twice for the retry), waits out a stall and its diagnosis: on a loaded machine that is
// well over vitest's default 60 s.
const SLOW = 300_000;

describe('.ci/vitest-guard.mjs (npm test runs vitest through it)', () => {
  it('passes a suite through untouched: exit 0, one attempt, no guard line', () => {
    const r = guard('passes', { ART32_TEST_STALL_SECONDS: '60' });
    expect(r.out).toMatch(/1 passed/);
    expect(r.out).not.toContain('[vitest-guard]');
    expect(r.status).toBe(0);
  }, SLOW);

  it('fault: a test spinning in synchronous code is diagnosed (its JavaScript stack, a running thread), killed, run once more, then fails', () => {
    const r = guard('spins', { ART32_TEST_STALL_SECONDS: '4' });
    expect(r.out).toContain('STALL: vitest printed nothing for 4 s (attempt 1 of 2)');
    // The worker's stack names the function that spins, with its file and line.
    expect(r.out).toMatch(/JavaScript stack of pid \d+:\n\s+at spinForeverInFixture \(file:\/\/\S+spins\.fixture\.ts:6:\d+\)/);
    expect(r.out).toMatch(/state R, [\d.]+ s CPU/);
    // Vitest's own process: what it waits on (its worker).
    expect(r.out).toMatch(/diagnostic report of pid \d+[\s\S]*process: child pid \d+/);
    expect(r.out).toContain('running the whole suite again (attempt 2 of 2)');
    expect(r.out).toContain('STALL: vitest printed nothing for 4 s (attempt 2 of 2)');
    expect(r.out).toContain('the suite stalled in 2 attempts: failing (exit 1)');
    expect(r.status).toBe(1);
  }, SLOW);

  it('fault: a test awaiting a promise nothing settles: the worker is said idle, with what its event loop holds', () => {
    const r = guard('waits', { ART32_TEST_STALL_SECONDS: '4', ART32_TEST_ATTEMPTS: '1' });
    expect(r.out).toContain('STALL: vitest printed nothing for 4 s (attempt 1 of 1)');
    // Both vitest processes write a report (their event loops are free); the worker's JavaScript runs nothing.
    expect(r.out.match(/diagnostic report of pid \d+/g)).toHaveLength(2);
    expect(r.out).toMatch(/no JavaScript stack for pid \d+: its JavaScript is idle/);
    expect(r.status).toBe(1);
  }, SLOW);

  it('fault: a test blocked in a system call is named by its kernel wait, the run killed with its children', () => {
    const r = guard('blocks', { ART32_TEST_STALL_SECONDS: '4', ART32_TEST_ATTEMPTS: '1' });
    expect(r.out).toContain('STALL: vitest printed nothing for 4 s (attempt 1 of 1)');
    // The worker sleeps in the kernel waiting for its child; the child is listed too.
    expect(r.out).toMatch(/pid \d+: sleep 613\n/);
    expect(r.out).toMatch(/thread \d+ sleep: state S, [\d.]+ s CPU, waiting in \S+/);
    expect(r.out).toMatch(/no JavaScript stack for pid \d+: its inspector did not open/);
    expect(r.out).toContain('the suite stalled in its only attempt: failing (exit 1)');
    expect(r.status).toBe(1);
    expect(running('sleep 613')).toEqual([]);
  }, SLOW);
});
