import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { logHandshakeFailures, serverTlsOptions } from '../tls/listener-tls.js';
import { KlogError } from '@klog/log-core';
import { CLUSTER } from '../security/acl.js';
import { HttpAuth } from './auth/http-auth.js';
import { sendError } from './http-error.js';
import type { HttpBackend, HttpListenerOptions } from './http-services.js';
import { RequestGuard } from './request-guard.js';
import { SECURITY_HEADERS, sendText } from './respond.js';
import type { Route } from './route.js';
import { API_ROUTES } from './routes/api-routes.js';
import { SESSION_PATHS } from './routes/session-routes.js';
import { StreamSet } from './sse.js';
import { serveStatic } from './static-files.js';

export interface HttpListener {
  readonly host: string;
  readonly port: number;
  /** Ends event streams and open connections, then stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * The broker's HTTP listener: /livez, /readyz, /metrics, the JSON API under /api/v1 and the console's files.
 * It starts before the log opens, so that probes see the broker starting (/readyz 503) rather than nothing;
 * until the backend has services, the API answers 503 BROKER_STARTING. Once the broker has users, the API needs a
 * login (a session cookie, or Basic) and applies the ACLs; /livez, /readyz and the console's files stay open (the
 * files hold no data: the console shows its login form), and /metrics too unless metricsAuth.
 */
export async function startHttpListener(opts: HttpListenerOptions, backend: HttpBackend): Promise<HttpListener> {
  const server: Server = opts.tls ? createHttpsServer(serverTlsOptions(opts.tls)) : createServer();
  if (opts.tls) logHandshakeFailures(server, opts.logger, 'http');
  const streams = new StreamSet();
  await listen(server, opts.host, opts.port);
  const bound = server.address();
  const port = bound && typeof bound === 'object' ? bound.port : opts.port;
  const guard = new RequestGuard(opts.host, port, opts.readOnly, opts.tls ? 'https' : 'http');
  const http = { host: opts.host, port, readOnly: opts.readOnly };
  const auth = new HttpAuth({ https: opts.tls !== undefined, allowBasicWithoutTls: opts.allowBasicWithoutTls ?? false, logger: opts.logger });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const rawPath = (req.url ?? '/').split('?')[0];
    guard.check(req, { sessionRoute: SESSION_PATHS.has(rawPath) });
    if (rawPath === '/livez') return sendText(res, 200, 'ok\n');
    if (rawPath === '/readyz') {
      return backend.services() ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready: the log is opening or the listeners are not open yet\n');
    }
    if (rawPath === '/metrics' && req.method === 'GET') {
      if (opts.metricsAuth) {
        const services = backend.services();
        if (services === null) throw new KlogError('BROKER_STARTING', 'the broker is starting: its users are not loaded yet; try again shortly');
        const principal = await auth.authenticate(req, services.security);
        services.security.authorizer.check(principal, 'describe', CLUSTER);
      }
      const { contentType, body } = await backend.scrape();
      return sendText(res, 200, body, contentType);
    }
    if (rawPath.startsWith('/api/')) {
      const found = findRoute(req.method ?? 'GET', rawPath);
      const services = backend.services();
      if (services === null) throw new KlogError('BROKER_STARTING', 'the broker is starting: its log is opening or recovering; try again shortly');
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const { authorize } = found.route;
      const principal = authorize === 'public' ? null : await auth.authenticate(req, services.security);
      const ctx = { req, res, url, params: found.params, services, streams, logger: opts.logger, http, auth, access: services.security.authorizer.gate(principal) };
      if (authorize !== 'public') authorize(ctx);
      await found.route.handle(ctx);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new KlogError('NOT_FOUND', `${req.method} ${rawPath} is not a route`);
    await serveStatic(req, res, rawPath, opts.staticRoot);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err) => {
      if (err instanceof KlogError && err.code === 'BODY_TOO_LARGE') {
        // The rest of the body is not read: the connection cannot carry another request after it.
        res.setHeader('connection', 'close');
      }
      sendError(res, err, opts.logger);
    });
  });

  opts.logger.info({ host: opts.host, port }, 'http listener listening');
  let closing: Promise<void> | null = null;
  return {
    host: opts.host,
    port,
    close: () => (closing ??= new Promise<void>((resolve) => {
      streams.closeAll();
      server.close(() => resolve());
      server.closeAllConnections();
    })),
  };
}

function findRoute(method: string, path: string): { route: Route; params: string[] } {
  let pathMatched = false;
  for (const route of API_ROUTES) {
    const m = route.path.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    let params: string[];
    try {
      params = m.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new KlogError('INVALID_REQUEST', `the path ${JSON.stringify(path)} is not valid percent-encoding`);
    }
    return { route, params };
  }
  throw new KlogError('NOT_FOUND', pathMatched ? `${method} is not allowed on ${path}` : `no API route at ${path} (see docs/operations.md)`);
}

/** Listens; a port in use is said in terms of the option that chose it (the native port has its own message). */
function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new KlogError('INVALID_CONFIG', `the HTTP port ${host}:${port} is already in use: stop what uses it, or choose another --http-port (httpPort)`, { cause: err })
        : err);
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
}
