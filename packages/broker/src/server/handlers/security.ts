import { setTimeout as sleep } from 'node:timers/promises';
import { KlogError } from '@klog/log-core';
import { SCRAM_MECHANISMS, type RequestOf, type ResponseOf } from '@klog/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { RequestContext } from '../request-context.js';
import { describeAcl } from '../../security/acl.js';

export async function saslHandshake(req: RequestOf<'saslHandshake'>, _ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'saslHandshake'>> {
  conn.auth.handshake(req.mechanism);
  return { mechanisms: [...SCRAM_MECHANISMS] };
}

/**
 * One SCRAM step. Success and failure are logged with the user named, the client's address and the mechanism —
 * never the password or the proof — and failures from one address are answered ever more slowly.
 */
export async function saslAuthenticate(req: RequestOf<'saslAuthenticate'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'saslAuthenticate'>> {
  const mechanism = conn.auth.chosenMechanism;
  const claimed = conn.auth.claimedUser;
  try {
    const answer = conn.auth.step(req.authBytes.toString('utf8'));
    if (conn.auth.user !== null) {
      ctx.security.throttle.succeeded(conn.remoteHost);
      ctx.logger.info({ principal: conn.auth.user, remote: conn.remoteHost, mechanism }, 'client authenticated');
    }
    return { authBytes: Buffer.from(answer, 'utf8') };
  } catch (err) {
    if (err instanceof KlogError && err.code === 'SASL_AUTHENTICATION_FAILED') {
      const delayMs = ctx.security.throttle.failed(conn.remoteHost);
      ctx.logger.warn({ principal: claimed ?? null, remote: conn.remoteHost, mechanism, delayMs }, 'authentication failed');
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: conn.closed }).catch(() => undefined);
    }
    throw err;
  }
}

export async function userAdd(req: RequestOf<'userAdd'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'userAdd'>> {
  const created = ctx.security.users.put(req.user, req.credentials);
  ctx.logger.info({ user: req.user, mechanisms: req.credentials.map((c) => c.mechanism), by: conn.auth.principal, remote: conn.remoteHost },
    created ? 'user added' : 'user credentials replaced');
  return { created };
}

export async function userList(_req: unknown, ctx: BrokerContext): Promise<ResponseOf<'userList'>> {
  return { users: ctx.security.users.list() };
}

export async function userRemove(req: RequestOf<'userRemove'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'userRemove'>> {
  ctx.security.users.remove(req.user);
  ctx.logger.info({ user: req.user, by: conn.auth.principal, remote: conn.remoteHost }, 'user removed');
  return {};
}

export async function aclAdd(req: RequestOf<'aclAdd'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'aclAdd'>> {
  const created = ctx.security.authorizer.acls.add(req.acl);
  ctx.logger.info({ acl: describeAcl(req.acl), by: conn.auth.principal, remote: conn.remoteHost }, created ? 'ACL added' : 'ACL already there');
  return { created };
}

export async function aclList(_req: unknown, ctx: BrokerContext): Promise<ResponseOf<'aclList'>> {
  return { acls: [...ctx.security.authorizer.acls.list()] };
}

export async function aclRemove(req: RequestOf<'aclRemove'>, ctx: BrokerContext, conn: RequestContext): Promise<ResponseOf<'aclRemove'>> {
  ctx.security.authorizer.acls.remove(req.acl);
  ctx.logger.info({ acl: describeAcl(req.acl), by: conn.auth.principal, remote: conn.remoteHost }, 'ACL removed');
  return {};
}
