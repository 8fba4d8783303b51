/**
 * The console as a Hono app: the door (lib/serve/security.ts) in front of read-only pages.
 * Built from a `ConsoleContext` so tests drive it on any store (dynalite, a DynamoDB table).
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { InvalidDateRangeError, UnknownAccountError } from '../evidence/errors';
import { BadRequestError, NotFoundError, accountParam, ruleParam, runParam, type ConsoleContext, type PageContext } from './context';
import { ConsoleIntegrity } from './integrity';
import { CSS, page, u, type Html, type PageInput } from './html';
import { accountPage, rulePage } from './pages/account';
import { activityPage } from './pages/activity';
import { auditDocument, auditPack, downloadsPage, type Download } from './pages/downloads';
import { overviewPage } from './pages/overview';
import { registerPage } from './pages/register';
import { runPage, runsPage } from './pages/runs';
import { verifyPage } from './pages/verify';
import { BadCursorError } from './reader';
import { door, securityHeaders } from './security';

export interface ConsoleAppOptions {
  context: ConsoleContext;
  token: string;
  /** Accepted Host header values (`host:port`, lower-case). */
  hosts: () => ReadonlySet<string>;
  /** Unexpected errors (a bug, the store unreachable) go here; the page shows a short line only. */
  logError?: (error: unknown) => void;
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export function createConsoleApp(options: ConsoleAppOptions): Hono {
  const base = options.context;
  const integrity = base.integrity ?? new ConsoleIntegrity(base.store, { cache: 'live' });
  // Each request gets its integrity view (one verification per store generation, see integrity.ts).
  const pageContext = (): PageContext => ({ ...base, view: integrity.forRequest() });
  const app = new Hono();
  const render = async (c: Context, input: Omit<PageInput, 'storeDescription'>, statusCode: 200 | 400 | 404 | 500 = 200) =>
    c.html(await page({ ...input, storeDescription: base.storeDescription }), statusCode);
  const send = (c: Context, d: Download) => {
    c.header('Content-Type', d.contentType);
    c.header('Content-Disposition', `attachment; filename="${d.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
    return c.body(typeof d.body === 'string' ? d.body : new Uint8Array(d.body));
  };

  app.use('*', securityHeaders(CSS));
  app.use('*', door({ token: options.token, hosts: options.hosts, css: CSS }));

  // Browsers ask for it on their own; nothing to show (and no 404 in the console).
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/', async (c) => render(c, { title: 'Overview', section: '/', body: overviewPage(pageContext(), { from: optional(c.req.query('from')), to: optional(c.req.query('to')) }) }));
  app.get('/accounts/:account', async (c) => {
    const accountId = accountParam(c.req.param('account'));
    return render(c, { title: `Account ${accountId}`, section: '/', body: accountPage(pageContext(), accountId) });
  });
  app.get('/accounts/:account/rules/:rule', async (c) => {
    const accountId = accountParam(c.req.param('account'));
    const ruleId = ruleParam(c.req.param('rule'));
    const query = { from: optional(c.req.query('from')), to: optional(c.req.query('to')), cursor: optional(c.req.query('cursor')) };
    return render(c, { title: `${ruleId} · ${accountId}`, section: '/', body: rulePage(pageContext(), accountId, ruleId, query) });
  });
  app.get('/runs', async (c) => {
    const account = optional(c.req.query('account'));
    return render(c, { title: 'Runs', section: '/runs', body: runsPage(pageContext(), account === undefined ? undefined : accountParam(account), optional(c.req.query('cursor'))) });
  });
  app.get('/runs/:run', async (c) => {
    const runId = runParam(c.req.param('run'));
    const account = optional(c.req.query('account'));
    const requirement = optional(c.req.query('requirement'));
    return render(c, {
      title: `Run ${runId}`,
      section: '/runs',
      body: runPage(pageContext(), runId, { ...(account !== undefined ? { account: accountParam(account) } : {}), ...(requirement !== undefined ? { requirement } : {}) }),
    });
  });
  app.get('/verify', async (c) => render(c, { title: 'Verification', section: '/verify', body: verifyPage(pageContext()) }));
  app.get('/register', async (c) => render(c, { title: 'Register', section: '/register', body: registerPage(pageContext()) }));
  app.get('/activity', async (c) => {
    const account = optional(c.req.query('account'));
    return render(c, { title: 'Activity', section: '/activity', body: activityPage(pageContext(), account === undefined ? undefined : accountParam(account)) });
  });
  app.get('/downloads', async (c) => render(c, { title: 'Downloads', section: '/downloads', body: downloadsPage(pageContext()) }));
  app.get('/download/audit-pack.zip', async (c) => send(c, await auditPack(pageContext(), c.req.query())));
  app.get('/download/audit-document.html', async (c) => send(c, await auditDocument(pageContext(), c.req.query())));

  app.notFound((c) => render(c, { title: 'Not found', section: null, body: html`<h1>Not found</h1><p>No such page. <a href="/">Back to the overview</a>.</p>` as Html }, 404));
  app.onError((error, c) => {
    if (error instanceof NotFoundError || error instanceof UnknownAccountError) {
      return render(c, { title: 'Not found', section: null, body: html`<h1>Not found</h1><p>${u(error.message)}</p><p><a href="/">Back to the overview</a></p>` as Html }, 404);
    }
    if (error instanceof BadRequestError || error instanceof BadCursorError || error instanceof InvalidDateRangeError) {
      return render(c, { title: 'Bad request', section: null, body: html`<h1>Bad request</h1><p>${u(error.message)}</p><p><a href="/">Back to the overview</a></p>` as Html }, 400);
    }
    (options.logError ?? ((e) => process.stderr.write(`art32 serve: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)))(error);
    return render(c, { title: 'Error', section: null, body: html`<h1>Something went wrong</h1><p>The console could not read this page from the store (${u(error.name)}). The terminal running <code>art32 serve</code> shows the details.</p>` as Html }, 500);
  });
  return app;
}
