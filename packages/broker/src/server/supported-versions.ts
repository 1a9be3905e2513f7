import { API_VERSIONS, type ApiName, type ApiVersionTable, type VersionRange } from '@klog/protocol';

/**
 * The versions this broker answers: what it implements, narrowed by the configured table (a broker may be told
 * to speak as an older one). apiVersions is always answered, since it is how a client finds out the rest.
 */
export function supportedVersions(configured: ApiVersionTable): ApiVersionTable {
  // Asked on every request: computed once per configured table (the broker's config does not change under it).
  const known = computed.get(configured);
  if (known !== undefined) return known;
  const out: { [A in ApiName]?: VersionRange } = {};
  for (const api of Object.keys(API_VERSIONS) as ApiName[]) {
    const implemented = API_VERSIONS[api];
    const allowed = api === 'apiVersions' ? implemented : configured[api];
    if (!allowed) continue;
    const min = Math.max(implemented.min, allowed.min);
    const max = Math.min(implemented.max, allowed.max);
    if (min <= max) out[api] = { min, max };
  }
  const table = Object.freeze(out) as ApiVersionTable;
  computed.set(configured, table);
  return table;
}

const computed = new WeakMap<ApiVersionTable, ApiVersionTable>();
