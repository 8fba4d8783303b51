import { silenceSdkNodeVersionWarning } from '../lib/support/node-warnings';

silenceSdkNodeVersionWarning();

// aws-local-stepfunctions (the local runner of the synthesized state machine) calls
// Promise.withResolvers, which Node 22 has and Node 20 (these machines) lacks. Lambdas run on
// Node 24, so this only bridges the local test runtime; it is the spec's own definition.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void } {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
