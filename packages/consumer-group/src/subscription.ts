import { KlogError } from '@klog/protocol';

/**
 * What a native member consumes: exact topic names, or a pattern.
 *
 * Pattern syntax: a JavaScript regular expression matched against the whole topic name (it is anchored at both
 * ends, like the full-match regexes of Kafka's Java client), so `news\..*` matches `news.sport` but not
 * `breaking-news.x`, and `news.*` also matches `newsletter`. Internal topics (names starting with `__`, such as
 * `__consumer_offsets`) never match a pattern; name them exactly to consume them.
 */
export type Subscription = { topics: string[] } | { pattern: string };

export interface CompiledSubscription {
  readonly source: Subscription;
  matches(topic: string): boolean;
}

export function compileSubscription(sub: Subscription | undefined): CompiledSubscription {
  if (sub !== undefined && 'pattern' in sub && typeof sub.pattern === 'string') {
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${sub.pattern})$`);
    } catch (err) {
      throw new KlogError('INVALID_SUBSCRIPTION', `invalid subscription pattern ${JSON.stringify(sub.pattern)}`, { cause: err });
    }
    const source = { pattern: sub.pattern };
    return { source, matches: (topic) => !topic.startsWith('__') && regex.test(topic) };
  }
  if (sub !== undefined && 'topics' in sub && Array.isArray(sub.topics) && sub.topics.every((t) => typeof t === 'string')) {
    const names = new Set(sub.topics);
    return { source: { topics: [...names].sort() }, matches: (topic) => names.has(topic) };
  }
  throw new KlogError('INVALID_SUBSCRIPTION', 'a native member must subscribe with { topics: string[] } or { pattern: string }');
}

/** The existing topics a subscription covers, sorted. */
export function resolveTopics(sub: CompiledSubscription, existing: readonly string[]): string[] {
  return existing.filter((t) => sub.matches(t)).sort();
}
