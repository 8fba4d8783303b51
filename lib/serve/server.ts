/** Start the console on a local port and give back its one URL (with the access token). */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createConsoleApp } from './app';
import type { ConsoleContext } from './context';
import { ConsoleReader } from './reader';
import { TOKEN_PARAM, allowedHosts, newAccessToken } from './security';

export interface StartConsoleOptions {
  context: Omit<ConsoleContext, 'reader'> & { reader?: ConsoleReader };
  client: ConstructorParameters<typeof ConsoleReader>[0];
  tableName: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  token?: string;
  logError?: (error: unknown) => void;
}

export interface RunningConsole {
  /** The one URL to open: carries the token once; the page then keeps it in a cookie. */
  url: string;
  /** The base URL without token. */
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startConsole(options: StartConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newAccessToken();
  let hosts: ReadonlySet<string> = new Set();
  const context: ConsoleContext = { ...options.context, reader: options.context.reader ?? new ConsoleReader(options.client, options.tableName) };
  const app = createConsoleApp({ context, token, hosts: () => hosts, ...(options.logError ? { logError: options.logError } : {}) });
  const server = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  hosts = allowedHosts(host, port);
  const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  return {
    url: `${origin}/?${TOKEN_PARAM}=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
