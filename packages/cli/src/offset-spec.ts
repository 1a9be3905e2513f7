import { KlogError } from '@klog/log-core';

/** Where `--offset` says to start, as kcat's `-o`: an offset, N from the end, or either end. */
export type OffsetSpec =
  | { at: 'offset'; offset: number }
  | { at: 'from-end'; count: number }
  | { at: 'beginning' }
  | { at: 'end' };

export function parseOffsetSpec(text: string): OffsetSpec {
  const t = text.trim();
  if (t === 'beginning') return { at: 'beginning' };
  if (t === 'end') return { at: 'end' };
  if (/^\d+$/.test(t) && Number.isSafeInteger(Number(t))) return { at: 'offset', offset: Number(t) };
  if (/^-\d+$/.test(t) && Number.isSafeInteger(-Number(t))) return { at: 'from-end', count: -Number(t) };
  throw new KlogError('INVALID_CONFIG',
    `--offset must be an offset (42), a count back from the end (-5), beginning or end, got ${JSON.stringify(text)}`);
}

/**
 * The offset to start a partition at. Whatever is asked, the start lies within what the partition holds: an offset
 * past the end waits at the end for new records (as kcat does), one before the first kept record starts at that
 * record, and `-5` means the last five records (fewer when there are fewer).
 */
export function resolveStart(spec: OffsetSpec, p: { logStartOffset: number; logEndOffset: number }): number {
  const wanted = spec.at === 'beginning' ? p.logStartOffset
    : spec.at === 'end' ? p.logEndOffset
      : spec.at === 'offset' ? spec.offset
        : p.logEndOffset - spec.count;
  return Math.min(Math.max(wanted, p.logStartOffset), p.logEndOffset);
}
