// docs/native-protocol.md carries an API reference generated from the registry; this fails when they differ.
// KLOG_UPDATE_GOLDEN=1 rewrites the generated section (the prose around it is left as written).
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APIS } from '../src/index.js';
import { renderApiReference } from './api-reference.js';

const DOC = new URL('../../../docs/native-protocol.md', import.meta.url);
const BEGIN = '<!-- BEGIN API REFERENCE (generated from packages/protocol/src/apis; KLOG_UPDATE_GOLDEN=1 rewrites it) -->';
const END = '<!-- END API REFERENCE -->';

describe('docs/native-protocol.md', () => {
  it('holds the API reference as the registry renders it', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const expected = `${BEGIN}\n\n${renderApiReference()}\n${END}`;
    if (process.env.KLOG_UPDATE_GOLDEN === '1') writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length));
    expect(readFileSync(DOC, 'utf8').slice(start, start + expected.length)).toBe(expected);
  });

  it('names every api', () => {
    const doc = readFileSync(DOC, 'utf8');
    for (const api of Object.keys(APIS)) expect(doc).toContain(`### ${api}\n`);
  });
});
