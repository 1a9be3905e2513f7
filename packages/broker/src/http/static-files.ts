import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { KlogError } from '@klog/log-core';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Vendored libraries change only with their file names' versions, so browsers may keep them for a year. */
const VENDOR_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves a file of the console from `root` for a GET or HEAD of `rawPath` (the path as the client sent it,
 * before any normalisation: `new URL` would fold `..` away and hide an attempt). Refuses, before touching the
 * file system, encoded slashes and backslashes, NUL, and `..` segments; then checks that the resolved path, and
 * the real path behind any symbolic link, stay under the root.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, rawPath: string, root: string): Promise<void> {
  if (/%(2f|5c|00)/i.test(rawPath) || rawPath.includes('\\')) throw outside(rawPath);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new KlogError('INVALID_REQUEST', `the path ${JSON.stringify(rawPath)} is not valid percent-encoding`);
  }
  if (path.includes('\0') || path.split('/').some((seg) => seg === '..')) throw outside(rawPath);
  if (path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  if (!file.startsWith(base + sep)) throw outside(rawPath);
  let size: number;
  try {
    const [realFile, realBase] = await Promise.all([realpath(file), realpath(base)]);
    if (!realFile.startsWith(realBase + sep)) throw outside(rawPath);
    const st = await stat(realFile);
    if (!st.isFile()) throw notFound(rawPath);
    size = st.size;
  } catch (err) {
    if (err instanceof KlogError) throw err;
    throw notFound(rawPath);
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': path.startsWith('/vendor/') ? VENDOR_CACHE : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    res.on('close', () => {
      stream.destroy();
      done();
    });
    stream.pipe(res);
  });
}

function outside(path: string): KlogError {
  return new KlogError('INVALID_REQUEST', `the path ${JSON.stringify(path)} reaches outside the console's files`);
}

function notFound(path: string): KlogError {
  return new KlogError('NOT_FOUND', `no console file at ${JSON.stringify(path)}`);
}
