/**
 * The middy stack every art32 handler runs in: Powertools logger (context injected,
 * cold start logged), metrics (flushed after each invocation, cold-start metric) and
 * tracer (one subsegment per invocation; AWS SDK clients are captured where they are made).
 * Handlers stay thin: parse env, build clients, call lib/.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** Powertools utilities; service name and namespace come from POWERTOOLS_* env vars set by the construct. */
export function createObservability(): Observability {
  return { logger: new Logger(), metrics: new Metrics(), tracer: new Tracer() };
}

/** Wrap a plain async handler with the Powertools middlewares. */
export function withPowertools<E, R>(fn: (event: E, context: Context) => Promise<R>, obs: Observability) {
  return middy(fn)
    .use(captureLambdaHandler(obs.tracer, { captureResponse: false }))
    .use(injectLambdaContext(obs.logger, { logEvent: false }))
    .use(logMetrics(obs.metrics, { captureColdStartMetric: true }));
}

/** Capture an AWS SDK v3 client in X-Ray when tracing is active; a no-op elsewhere. */
export function traced<C>(obs: Observability, client: C): C {
  return obs.tracer.captureAWSv3Client(client);
}
