// docs/errors.md is the error tables rendered: every code with its values, as the tables have them now.
import { readFileSync } from 'node:fs';
import { errorCodes, errorInfo } from '@klog/protocol';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC, renderErrorsDoc } from '../scripts/errors-doc.mjs';

const doc = readFileSync(ERRORS_DOC as string, 'utf8');

describe('docs/errors.md', () => {
  it('has a row for every code with its retriable, refresh, rejoin and Kafka values', () => {
    const yes = (flag: boolean) => (flag ? 'yes' : 'no');
    for (const code of errorCodes()) {
      const info = errorInfo(code);
      const row = `| ${code} | ${yes(info.retriable)} | ${yes(info.refreshMetadata)} | ${yes(info.rejoin)} | ${info.kafkaCode} | `;
      expect(doc, `docs/errors.md row for ${code}`).toContain(row);
    }
  });

  it('is what scripts/errors-doc.mjs renders from the tables (run it after changing a table)', () => {
    expect(doc).toBe((renderErrorsDoc as () => string)());
  });
});
