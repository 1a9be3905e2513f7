import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
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
}

export interface Route {
  method: 'GET' | 'POST';
  /** Matched against the whole path; each group is a parameter (one segment, still URI-encoded). */
  path: RegExp;
  handle(ctx: RouteContext): Promise<void>;
}
