/**
 * The console's door: one random access token, a Host-header check, read-only methods and
 * strict response headers. The console binds 127.0.0.1, but any local process (or a web page
 * in the auditor's own browser) can reach a loopback port, so:
 * - every request needs the token: once in the printed URL (`?token=`), which sets an
 *   HttpOnly, SameSite=Strict cookie and redirects to the same page without it (so the token
 *   does not linger in the address bar or history); 401 without a token, 403 with a wrong one;
 * - tokens are compared in constant time (SHA-256 of both sides, `timingSafeEqual`);
 * - the Host header must name the address the console listens on (DNS rebinding: a hostile
 *   site that points its own name at 127.0.0.1 sends its own Host, and is refused);
 * - only GET and HEAD (the console never changes anything);
 * - CSP `default-src 'none'` with the one stylesheet allowed by hash, no script at all, no
 *   framing, no form posting elsewhere; nosniff; no referrer; no caching.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const TOKEN_COOKIE = 'art32_console';
export const TOKEN_PARAM = 'token';

/** 32 random bytes (256 bits) from the OS CSPRNG, base64url. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time equality of a presented token with the expected one (any lengths). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** `'sha256-…'` source expression of an inline `<style>` body (CSP Level 2 hash source). */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

export function contentSecurityPolicy(css: string): string {
  return [
    "default-src 'none'",
    `style-src ${styleHash(css)}`,
    "img-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The Host header values that name this server: loopback names when bound to loopback, the bound address otherwise. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'];
  const bracketed = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  const names = isLoopback(boundHost) ? [...loopback, bracketed] : [bracketed];
  return new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function plain(status: 401 | 403 | 405 | 421, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export interface DoorOptions {
  token: string;
  /** Host header values accepted (lower-case `host:port`); a function so the port can be known after listen. */
  hosts: () => ReadonlySet<string>;
  css: string;
}

/** Security headers on every response, including refusals. */
export function securityHeaders(css: string): MiddlewareHandler {
  const csp = contentSecurityPolicy(css);
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set('Content-Security-Policy', csp);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cache-Control', 'no-store');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  };
}

/** Host check, read-only methods, then the token (URL once → cookie). */
export function door(options: DoorOptions): MiddlewareHandler {
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (!options.hosts().has(host)) return plain(421, 'art32 console: this Host is not the address the console listens on (DNS rebinding guard)');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return plain(405, 'art32 console: read-only (GET and HEAD only)');
    const url = new URL(c.req.url);
    const presented = url.searchParams.get(TOKEN_PARAM);
    if (presented !== null) {
      if (!tokenMatches(presented, options.token)) return plain(403, 'art32 console: wrong access token (use the URL printed by `art32 serve`)');
      setCookie(c, TOKEN_COOKIE, options.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete(TOKEN_PARAM);
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const cookie = getCookie(c, TOKEN_COOKIE);
    if (cookie === undefined) return plain(401, 'art32 console: access token required (open the URL printed by `art32 serve`)');
    if (!tokenMatches(cookie, options.token)) return plain(403, 'art32 console: wrong access token (use the URL printed by `art32 serve`)');
    await next();
  };
}
