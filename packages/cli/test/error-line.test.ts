// The one line klog prints for an error takes its hint from the error table, and does not repeat one the
// message already gives.
import { errorInfo, KlogError } from '@klog/client';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../src/errors.js';

describe('errorLine hints', () => {
  it('adds the table\'s hint for the code', () => {
    const line = errorLine(new KlogError('STORAGE_ERROR', 'could not write to t-0: ENOSPC'), false);
    expect(line).toBe(`klog: could not write to t-0: ENOSPC (${errorInfo('STORAGE_ERROR').hint})`);
    const internal = errorLine(new KlogError('INTERNAL_ERROR', 'internal broker error (id 0badcafe): EMFILE'), false);
    expect(internal).toContain(errorInfo('INTERNAL_ERROR').hint);
  });

  it('leaves the hint out when the message already says it', () => {
    const hint = errorInfo('STORE_LOCKED').hint;
    expect(errorLine(new KlogError('STORE_LOCKED', `data directory /d: ${hint}`), false)).toBe(`klog: data directory /d: ${hint}`);
  });
});
