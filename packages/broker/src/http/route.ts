import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Gate } from '../security/acl-authorizer.js';
import type { HttpAuth } from './auth/http-auth.js';
import type { HostPort, HttpServices } from './http-services.js';
import type { StreamSet } from './sse.js';

/** What a JSON API route gets: the request, its decoded path parameters and the broker. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path's captured segments, URI-decoded. */
  params: string[];
  services: HttpServices;
  streams: StreamSet;
  logger: Logger;
  /** This listener: its address and whether it refuses changes. */
  http: HostPort & { readOnly: boolean };
  /** The principal's ACL checks (everything allowed while the broker has no users). */
  access: Gate;
  auth: HttpAuth;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Matched against the whole path; each group is a parameter (one segment, still URI-encoded). */
  path: RegExp;
  /**
   * Checked before the route runs, after the request has been authenticated: the ACL checks of the route, after
   * the native API that does the same (a listing checks nothing here and narrows its answer with ctx.access).
   * 'public': no authentication either (the session routes, which log in). Required, so that a new route
   * cannot be left open by omission.
   */
  authorize: 'public' | ((ctx: RouteContext) => void);
  handle(ctx: RouteContext): Promise<void>;
}
