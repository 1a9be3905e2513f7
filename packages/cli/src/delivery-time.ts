import { DELIVER_AT_HEADER, deliverAtHeader } from '@klog/queue';
import { KlogError } from '@klog/log-core';
import { parseDuration } from './duration.js';

/** `--delay` and `--deliver-at`, as produce takes them. */
export interface DeliveryTimeArgs {
  delay?: string;
  'deliver-at'?: string;
}

/**
 * When queues may first deliver the records (epoch ms), or undefined to deliver at once. `--deliver-at` is an
 * absolute time only: a time "ago" would be a record due already, which is what leaving the flag out does.
 */
export function deliveryTimeOf(args: DeliveryTimeArgs, now: number): number | undefined {
  if (args.delay !== undefined) return now + parseDuration(args.delay, '--delay');
  const at = args['deliver-at'];
  if (at === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(at.trim()) ? Date.parse(at.trim()) : NaN;
  if (Number.isNaN(ms)) {
    throw new KlogError('INVALID_CONFIG', `--deliver-at must be an ISO time like 2030-05-01T12:00:00Z, got ${JSON.stringify(at)} (for a time from now, say --delay 60s)`);
  }
  return ms;
}

/** The header that holds a record back from queues until `epochMs`, in the form --header flags take. */
export function deliverAtEntry(epochMs: number): { key: string; value: string } {
  return { key: DELIVER_AT_HEADER, value: deliverAtHeader(epochMs).value!.toString('utf8') };
}
