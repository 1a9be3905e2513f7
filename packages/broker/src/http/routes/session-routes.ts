import { KlogError } from '@klog/log-core';
import { clearedSessionCookie, sessionCookie } from '../auth/cookie.js';
import { readJsonBody } from '../json-body.js';
import { sendJson } from '../respond.js';
import type { Route } from '../route.js';

/** The session routes: the only API routes a request without a login may use (read-only mode allows them too). */
export const SESSION_PATHS: ReadonlySet<string> = new Set(['/api/v1/login', '/api/v1/logout', '/api/v1/session']);

/**
 * GET /api/v1/session: whether the broker asks for a login, who this request is logged in as (null: nobody),
 * and whether the console is read-only. The console asks first, to show its login form or its pages.
 */
export const sessionRoute: Route = {
  method: 'GET',
  path: /^\/api\/v1\/session$/,
  authorize: 'public',
  async handle({ req, res, services: { security }, auth, http }) {
    const required = security.users.size > 0;
    sendJson(res, 200, { authenticationRequired: required, user: required ? auth.sessionUser(req, security) : null, readOnly: http.readOnly });
  },
};

/** POST /api/v1/login { username, password }: checks the password; the session token comes back in an HttpOnly cookie. */
export const loginRoute: Route = {
  method: 'POST',
  path: /^\/api\/v1\/login$/,
  authorize: 'public',
  async handle({ req, res, services: { security }, auth }) {
    const body = await readJsonBody(req);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
      throw new KlogError('INVALID_REQUEST', 'log in with { "username": string, "password": string }');
    }
    const token = await auth.login(req, security, username, password);
    res.setHeader('set-cookie', sessionCookie(token, auth.secure));
    sendJson(res, 200, { user: username });
  },
};

/** POST /api/v1/logout: ends the request's session (if any) and clears its cookie. */
export const logoutRoute: Route = {
  method: 'POST',
  path: /^\/api\/v1\/logout$/,
  authorize: 'public',
  async handle({ req, res, auth }) {
    auth.logout(req);
    res.setHeader('set-cookie', clearedSessionCookie(auth.secure));
    sendJson(res, 200, {});
  },
};
