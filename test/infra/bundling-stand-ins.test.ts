/**
 * The lean stand-ins Lambda bundles use instead of a few dependencies (infra/bundling/,
 * aliased in infra/constructs/art32-function.ts) behave like the originals where art32's
 * bundles reach them: compared with the real packages on generated inputs, and on the
 * credential chain's cases.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EndpointCache as RealEndpointCache } from '@aws-sdk/endpoint-cache';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/art32-function';

interface EndpointCacheLike {
  getEndpoint(key: string): string | undefined;
  get(key: string): { Address: string; Expires: number }[] | undefined;
  set(key: string, endpoints: { Address: string; CachePeriodInMinutes: number }[]): void;
  delete(key: string): void;
  has(key: string): boolean;
  clear(): void;
}
type CredentialProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

/** The originals (transitive dependencies: semver of aws-xray-sdk-core, endpoint-cache of the DynamoDB client). */
const realSemverGte = createRequire(import.meta.url)('semver/functions/gte') as (a: string, b: string) => boolean;

/** Imported by computed URL: plain JavaScript files with no type declarations. */
const standIn = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(PROJECT_ROOT, 'infra', 'bundling', file)).href)) as T;

let gte: (a: string, b: string) => boolean;
let LeanEndpointCache: new (capacity: number) => EndpointCacheLike;
let defaultProvider: (init?: Record<string, unknown>) => CredentialProvider;
beforeAll(async () => {
  ({ gte } = await standIn<{ gte: typeof gte }>('semver-lean.mjs'));
  ({ EndpointCache: LeanEndpointCache } = await standIn<{ EndpointCache: typeof LeanEndpointCache }>('endpoint-cache-lean.mjs'));
  ({ defaultProvider } = await standIn<{ defaultProvider: typeof defaultProvider }>('credential-provider-lambda.mjs'));
});

describe('semver stand-in', () => {
  it('gte answers as semver does on release versions', () => {
    const version = fc.tuple(fc.nat(30), fc.nat(3000), fc.nat(40)).map((v) => v.join('.'));
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(gte(a, b), `${a} >= ${b}`).toBe(realSemverGte(a, b));
      }),
      { numRuns: 500 },
    );
    expect(gte('2.1692.0', '2.7.15')).toBe(true);
    expect(gte('2.7.14', '2.7.15')).toBe(false);
  });

  it('refuses versions it cannot compare instead of guessing', () => {
    expect(() => gte('2.7.15-beta.1', '2.7.15')).toThrow(/MAJOR\.MINOR\.PATCH.*2\.7\.15-beta\.1/);
  });
});

describe('endpoint-cache stand-in', () => {
  it('behaves as @aws-sdk/endpoint-cache under any sequence of operations (expiry, LRU eviction)', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const op = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, minutes: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }) }),
      fc.record({ op: fc.constantFrom('get' as const, 'has' as const, 'delete' as const, 'getEndpoint' as const), key }),
      fc.record({ op: fc.constant('tick' as const), minutes: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 40 }), (capacity, ops) => {
        let now = 1_700_000_000_000;
        const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
        const random = vi.spyOn(Math, 'random').mockReturnValue(0);
        try {
          const real = new RealEndpointCache(capacity) as unknown as EndpointCacheLike;
          const lean = new LeanEndpointCache(capacity);
          for (const step of ops) {
            if (step.op === 'tick') now += step.minutes * 60_000;
            else if (step.op === 'clear') [real, lean].forEach((c) => c.clear());
            else if (step.op === 'set') {
              const endpoints = step.minutes.map((m, i) => ({ Address: `${step.key}${i}.example`, CachePeriodInMinutes: m }));
              [real, lean].forEach((c) => c.set(step.key, endpoints));
            } else {
              expect(lean[step.op](step.key), `${step.op}(${step.key})`).toEqual(real[step.op](step.key));
            }
          }
          for (const k of ['a', 'b', 'c', 'd', 'e']) expect(lean.has(k), `has(${k}) at the end`).toBe(real.has(k));
        } finally {
          clock.mockRestore();
          random.mockRestore();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Lambda credential chain stand-in', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const clearCredentialEnv = () => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) delete process.env[k];
  };

  it('takes the role credentials Lambda puts in the environment', async () => {
    clearCredentialEnv();
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' });
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('says a profile is not supported rather than using other credentials', async () => {
    clearCredentialEnv();
    Object.assign(process.env, { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    await expect(defaultProvider()()).rejects.toThrow(/AWS_PROFILE \(dev\).*no shared-config/);
  });

  it('without environment credentials tries metadata as the SDK does, then fails saying where it looked', async () => {
    clearCredentialEnv();
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    await expect(defaultProvider()()).rejects.toThrow(/Could not load credentials from the environment or container\/instance metadata/);
  });
});
