import type { IncomingMessage } from 'node:http';
import { KlogError } from '@klog/log-core';

/** The largest request body accepted: a produced record or an offset reset is far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON object body, at most MAX_BODY_BYTES (BODY_TOO_LARGE past it, before reading it all when the
 * length is declared), and parses it (INVALID_REQUEST when it is not a JSON object).
 */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new KlogError('INVALID_REQUEST', `the request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new KlogError('INVALID_REQUEST', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function tooLarge(): KlogError {
  return new KlogError('BODY_TOO_LARGE', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
}
