// The native protocol's bytes on the wire, pinned: for every API and version, the frames of a fixed request and
// response are compared with files under test/fixtures/native-protocol, and the files decode back to the samples.
// A change of wire format fails here; if it is meant, regenerate with KLOG_UPDATE_GOLDEN=1 and review the diff.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  APIS, decodeBody, decodeRequest, decodeResponse, encodeRequest, encodeResponse, FrameReader, splitRequest, splitResponse,
  type ApiName, type Shape,
} from '../src/index.js';
import { SAMPLES, sampleAt } from './samples.js';

const DIR = new URL('../../../test/fixtures/native-protocol/', import.meta.url);
const UPDATE = process.env.KLOG_UPDATE_GOLDEN === '1';
const CORRELATION_ID = 7;

function versionsOf(api: ApiName): number[] {
  const { minVersion, maxVersion } = APIS[api];
  return Array.from({ length: maxVersion - minVersion + 1 }, (_, i) => minVersion + i);
}

const CASES = (Object.keys(APIS) as ApiName[]).flatMap((api) => versionsOf(api).map((version) => ({ api, version })));

/** The golden file, or (with KLOG_UPDATE_GOLDEN=1) the bytes just written to it. */
function golden(name: string, actual: Buffer): Buffer {
  const file = new URL(name, DIR);
  if (UPDATE) writeFileSync(file, actual);
  return readFileSync(file);
}

function onlyFrame(bytes: Buffer): unknown {
  const frames = new FrameReader(1 << 20).push(bytes);
  expect(frames).toHaveLength(1);
  return decodeBody(frames[0]);
}

/** Paths of every field a shape describes, arrays written as `[]`. */
function schemaPaths(shape: Shape | undefined, path: string): string[] {
  return Object.entries(shape ?? {}).flatMap(([key, f]) => {
    const at = `${path}.${key}${f.type.startsWith('array of') ? '[]' : ''}`;
    return [at, ...schemaPaths(f.shape, at)];
  });
}

/** Paths of every value present in a sample, in the same notation. */
function valuePaths(value: unknown, path: string, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const e of value) valuePaths(e, path, out);
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, v] of Object.entries(value)) {
      const at = `${path}.${key}${Array.isArray(v) ? '[]' : ''}`;
      if (v !== undefined) out.add(at);
      valuePaths(v, at, out);
    }
  }
  return out;
}

function unexercised(shape: Shape | undefined, sample: unknown, path: string): string[] {
  const present = valuePaths(sample, path);
  return schemaPaths(shape, path).filter((p) => !present.has(p));
}

/** The sample as a peer speaking `version` sees it: fields added in later versions are not on the wire. */
function atVersion(shape: Shape | undefined, value: unknown, version: number): unknown {
  if (Array.isArray(value)) return value.map((v) => atVersion(shape, v, version));
  if (!shape || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const f = shape[key];
    if (f && f.since > version) continue;
    out[key] = atVersion(f?.shape, v, version);
  }
  return out;
}

describe('native protocol golden frames', () => {
  it.each(CASES)('$api v$version request: encodes to the golden bytes and decodes back', ({ api, version }) => {
    const sample = sampleAt(api, version, 'request');
    const bytes = encodeRequest(api, version, CORRELATION_ID, sample as never);
    expect(bytes.equals(golden(`${api}.v${version}.request.bin`, bytes))).toBe(true);
    const split = splitRequest(onlyFrame(golden(`${api}.v${version}.request.bin`, bytes)));
    if ('problem' in split) throw new Error(split.problem);
    expect(split.header).toEqual({ api, version, correlationId: CORRELATION_ID });
    expect(decodeRequest(api, version, split.body)).toEqual(atVersion(APIS[api].request.shape, sample, version));
  });

  it.each(CASES)('$api v$version response: encodes to the golden bytes and decodes back', ({ api, version }) => {
    const sample = sampleAt(api, version, 'response');
    const bytes = encodeResponse(api, version, CORRELATION_ID, sample as never);
    expect(bytes.equals(golden(`${api}.v${version}.response.bin`, bytes))).toBe(true);
    const split = splitResponse(onlyFrame(golden(`${api}.v${version}.response.bin`, bytes)));
    expect(split).toMatchObject({ correlationId: CORRELATION_ID, error: null });
    expect(decodeResponse(api, version, split!.body)).toEqual(atVersion(APIS[api].response.shape, sample, version));
  });

  it('has a fixture for every api and version, and none for anything else', () => {
    const expected = CASES.flatMap(({ api, version }) => [`${api}.v${version}.request.bin`, `${api}.v${version}.response.bin`]).sort();
    expect(readdirSync(DIR).filter((f) => f.endsWith('.bin')).sort()).toEqual(expected);
  });

  it('samples give every field a value, so every field is pinned', () => {
    const missing = (Object.keys(APIS) as ApiName[]).flatMap((api) => [
      ...unexercised(APIS[api].request.shape, SAMPLES[api].request, `${api} request`),
      ...unexercised(APIS[api].response.shape, SAMPLES[api].response, `${api} response`),
    ]);
    expect(missing).toEqual([]);
  });
});
