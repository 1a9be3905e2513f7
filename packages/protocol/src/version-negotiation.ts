import { KlogError } from '@klog/log-core';
import type { ApiName, ApiVersionTable, VersionRange } from './apis.js';
import type { ResponseOf } from './apis.js';

/** The broker's apiVersions answer as a table (APIs this code does not know are left out). */
export function versionTableOf(answer: ResponseOf<'apiVersions'>): ApiVersionTable {
  const table: { [A in ApiName]?: VersionRange } = {};
  for (const a of answer.apis) table[a.api as ApiName] = { min: a.minVersion, max: a.maxVersion };
  return table;
}

/**
 * The version of `api` to send: the highest both sides speak. Fails with UNSUPPORTED_VERSION, naming the API,
 * the versions this side needs and what the other side offers, when the ranges do not meet.
 */
export function negotiateVersion(api: ApiName, ours: VersionRange, theirs: ApiVersionTable, peer = 'the broker'): number {
  const offered = theirs[api];
  const needed = ours.min === ours.max ? `version ${ours.min}` : `a version from ${ours.min} to ${ours.max}`;
  if (!offered) {
    const apis = Object.keys(theirs).sort().join(', ');
    throw new KlogError('UNSUPPORTED_VERSION',
      `this client needs api ${api} (${needed}), but ${peer} does not offer ${api} at all (it offers: ${apis || 'nothing'}); upgrade the broker`);
  }
  const version = Math.min(ours.max, offered.max);
  if (version < ours.min || version < offered.min) {
    throw new KlogError('UNSUPPORTED_VERSION',
      `this client needs api ${api} ${needed}, but ${peer} offers ${api} versions ${offered.min} to ${offered.max}; `
      + `upgrade the ${offered.max < ours.min ? 'broker' : 'client'}`);
  }
  return version;
}
