// A strict reader of the Prometheus text exposition format (version 0.0.4): every line must be a HELP, a TYPE or
// a sample of a family whose TYPE came first; names, labels, escapes and values must be well formed; no series
// twice; histogram series carry their le label. Anything else throws with the line, so a test fails on a
// malformed scrape rather than reading around it.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line.startsWith('# HELP ')) {
      const m = /^# HELP (\S+) (.*)$/.exec(line);
      if (!m || !METRIC_NAME.test(m[1])) throw new Error(`bad HELP at ${where}`);
      family(families, m[1], where).help = m[2];
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const m = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (!m || !METRIC_NAME.test(m[1]) || !TYPES.has(m[2])) throw new Error(`bad TYPE at ${where}`);
      const f = family(families, m[1], where);
      if (f.samples.length > 0 || f.type !== 'untyped') throw new Error(`TYPE after samples or twice at ${where}`);
      f.type = m[2] as MetricType;
      return;
    }
    if (line === '' || line.startsWith('#')) return; // the format ignores empty lines and other comments
    const sample = parseSample(line, where);
    const f = familyOf(families, sample.name);
    if (!f) throw new Error(`sample of an undeclared family at ${where}`);
    if (f.type === 'histogram' && sample.name.endsWith('_bucket') && !('le' in sample.labels)) throw new Error(`bucket without le at ${where}`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`series twice at ${where}`);
    seen.add(key);
    f.samples.push(sample);
  });
  return families;
}

function family(families: Map<string, Family>, name: string, where: string): Family {
  let f = families.get(name);
  if (!f) {
    f = { name, type: 'untyped', help: '', samples: [] };
    families.set(name, f);
  } else if (f.samples.length > 0) {
    throw new Error(`metadata for ${name} after its samples at ${where}`);
  }
  return f;
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const f = families.get(sampleName.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

function parseSample(line: string, where: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!m) throw new Error(`bad sample at ${where}`);
  return { name: m[1], labels: m[2] ? parseLabels(m[2].slice(1, -1), where) : {}, value: parseValue(m[3], where) };
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let pos = 0;
  while (pos < text.length) {
    const eq = text.indexOf('=', pos);
    const name = text.slice(pos, eq);
    if (eq < 0 || !LABEL_NAME.test(name) || text[eq + 1] !== '"') throw new Error(`bad label at ${where}`);
    let value = '';
    let i = eq + 2;
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === '\\') {
        const next = text[++i];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`bad escape in label ${name} at ${where}`);
      } else {
        value += text[i];
      }
    }
    if (i >= text.length) throw new Error(`unterminated label ${name} at ${where}`);
    if (name in labels) throw new Error(`label ${name} twice at ${where}`);
    labels[name] = value;
    pos = i + 1;
    if (pos < text.length) {
      if (text[pos] !== ',') throw new Error(`expected , after label ${name} at ${where}`);
      pos++;
    }
  }
  return labels;
}

function parseValue(text: string, where: string): number {
  // Prometheus reads values with Go's ParseFloat, which takes Inf and NaN in any case (prom-client writes "Nan").
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value at ${where}`);
  return Number(text);
}

/** The value of one series (undefined when absent). */
export function valueOf(families: Map<string, Family>, family: string, labels: Record<string, string> = {}, sample = family): number | undefined {
  const f = families.get(family);
  const s = f?.samples.find((x) => x.name === sample && Object.entries(labels).every(([k, v]) => x.labels[k] === v)
    && Object.keys(x.labels).length === Object.keys(labels).length + (sample.endsWith('_bucket') ? 1 : 0));
  return s?.value;
}
