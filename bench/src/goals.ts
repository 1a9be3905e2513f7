import { klogBasis } from './basis.js';
import type { CaseSummary } from './cases.js';
import { GOALS } from './goal-thresholds.js';
import type { Phase, RowSuite } from './row.js';

/** One goal judged on one run's medians: met, not met, or not measured in this run. */
export interface GoalResult {
  goal: string;
  target: string;
  /** The median(s) judged, as printed. */
  measured: string;
  met: boolean | null;
}

/** Systems the peer goals compare klog with: the other products, not klog behind another client. */
const PEER_SYSTEMS = ['redis', 'nats'];

const n = (x: number, digits = 0): string =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';

interface Find {
  suite: RowSuite;
  system: string;
  phase: Phase;
  caseName?: string;
  setting?: string;
}

function find(cases: readonly CaseSummary[], f: Find): CaseSummary[] {
  return cases.filter(
    (c) =>
      c.runs > 0 && c.suite === f.suite && c.system === f.system && c.phase === f.phase &&
      (f.caseName === undefined || c.caseName === f.caseName) && (f.setting === undefined || c.setting === f.setting),
  );
}

function notMeasured(goal: string, target: string): GoalResult {
  return { goal, target, measured: 'not measured', met: null };
}

/** A goal on each matching case's median rec/s (or another figure): at least (or at most) the threshold. */
function eachCase(
  cases: CaseSummary[],
  goal: (c: CaseSummary) => string,
  target: string,
  value: (c: CaseSummary) => number,
  ok: (v: number) => boolean,
  show: (v: number) => string,
): GoalResult[] {
  return cases.map((c) => {
    const v = value(c);
    return { goal: goal(c), target, measured: show(v), met: Number.isFinite(v) ? ok(v) : false };
  });
}

function orNotMeasured(results: GoalResult[], goal: string, target: string): GoalResult[] {
  return results.length > 0 ? results : [notMeasured(goal, target)];
}

/** The summary of the goals (goal-thresholds.ts), judged on the medians of one run of the benchmark. */
export function evaluateGoals(cases: readonly CaseSummary[]): GoalResult[] {
  const out: GoalResult[] = [];
  const recs = (c: CaseSummary): number => c.recordsPerSec.median;
  const recS = (v: number): string => `${n(v)} rec/s`;
  const atLeast = (t: number) => (v: number): boolean => v >= t;
  const atMost = (t: number) => (v: number): boolean => v <= t;
  const where = (c: CaseSummary): string => `${c.system}:${c.setting}`;

  for (const phase of ['produce', 'consume'] as const) {
    const t = phase === 'produce' ? GOALS.brokerProduceRecPerSec : GOALS.brokerConsumeRecPerSec;
    const target = `≥ ${n(t)} rec/s`;
    const broker = find(cases, { suite: 'throughput', system: 'klog-broker', phase, caseName: 'tput-1p' });
    out.push(...orNotMeasured(eachCase(broker, (c) => `broker ${phase}, 1 partition, klog client (${where(c)})`, target, recs, atLeast(t), recS), `broker ${phase}, 1 partition`, target));
  }

  {
    const target = `≤ ${n(GOALS.clientCpuSecondsPerMillion, 1)} s per M records`;
    const broker = [...find(cases, { suite: 'throughput', system: 'klog-broker', phase: 'produce', caseName: 'tput-1p' }), ...find(cases, { suite: 'throughput', system: 'klog-broker', phase: 'consume', caseName: 'tput-1p' })];
    out.push(...orNotMeasured(
      eachCase(broker, (c) => `client CPU, broker ${c.phase}, 1 partition (${where(c)})`, target, (c) => c.clientCpuPerMillion.median, atMost(GOALS.clientCpuSecondsPerMillion), (v) => `${n(v, 2)} s`),
      'client CPU per million records', target,
    ));
  }

  {
    const target = GOALS.sixPartitionsOfOne === 1 ? '6 partitions ≥ 1 partition' : `6 partitions ≥ ${GOALS.sixPartitionsOfOne} × 1 partition`;
    const results: GoalResult[] = [];
    for (const six of cases.filter((c) => c.runs > 0 && c.suite === 'throughput' && c.caseName === 'tput-6p' && c.system.startsWith('klog-') && c.system !== 'klog-kafka')) {
      const one = find(cases, { suite: 'throughput', system: six.system, phase: six.phase, caseName: 'tput-1p', setting: six.setting })[0];
      if (!one) continue;
      const r = recs(six) / recs(one);
      results.push({ goal: `6 vs 1 partition, ${six.phase} (${where(six)})`, target, measured: `${n(recs(six))} vs ${n(recs(one))} rec/s (${n(r, 2)}×)`, met: r >= GOALS.sixPartitionsOfOne });
    }
    out.push(...orNotMeasured(results, '6 partitions no slower than 1', target));
  }

  {
    const results: GoalResult[] = [];
    const peers = cases.filter((c) => c.runs > 0 && (c.suite === 'throughput' || c.suite === 'latency') && PEER_SYSTEMS.includes(c.system));
    for (const peer of peers) {
      const basis = klogBasis(cases, peer);
      if (!basis) continue;
      if (peer.p99Ms && basis.p99Ms) {
        const r = basis.p99Ms.median / peer.p99Ms.median;
        results.push({ goal: `p99 vs ${where(peer)} (${basis.system}:${basis.setting})`, target: `klog p99 ≤ ${GOALS.peerP99Ratio === 1 ? '' : `${GOALS.peerP99Ratio} × `}peer's`, measured: `${n(basis.p99Ms.median, 2)} vs ${n(peer.p99Ms.median, 2)} ms (${n(r, 2)}×)`, met: r <= GOALS.peerP99Ratio });
      } else if (!peer.p99Ms) {
        const r = recs(basis) / recs(peer);
        results.push({ goal: `${peer.phase} vs ${where(peer)} (${basis.system}:${basis.setting})`, target: `klog ≥ ${GOALS.peerThroughputRatio}× peer`, measured: `${n(r, 2)}×`, met: r >= GOALS.peerThroughputRatio });
      }
    }
    out.push(...orNotMeasured(results, 'every peer phase', `klog ≥ ${GOALS.peerThroughputRatio}× peer, p99 ≤ peer's`));
  }

  for (const [system, limit] of [['klog-broker', GOALS.brokerP99Ms], ['klog-embedded', GOALS.embeddedP99Ms]] as const) {
    const target = `p99 ≤ ${n(limit)} ms`;
    const latency = find(cases, { suite: 'latency', system, phase: 'e2e-latency', caseName: 'lat-1p' });
    out.push(...orNotMeasured(
      eachCase(latency, (c) => `${system.replace('klog-', '')} e2e latency, 1 partition (${where(c)})`, target, (c) => c.p99Ms?.median ?? Number.NaN, atMost(limit), (v) => `${n(v, 2)} ms`),
      `${system} p99 at the latency rate`, target,
    ));
  }

  {
    const target = `1,000 partitions ≥ ${GOALS.thousandPartitionsOfOne} × 1 partition`;
    const results: GoalResult[] = [];
    for (const many of cases.filter((c) => c.runs > 0 && c.suite === 'scale' && c.caseName === 'scale-p1000')) {
      const one = find(cases, { suite: 'scale', system: many.system, phase: 'produce', caseName: 'scale-p1', setting: many.setting })[0];
      if (!one) continue;
      const r = recs(many) / recs(one);
      results.push({ goal: `1,000 vs 1 partition, produce (${where(many)})`, target, measured: `${n(recs(many))} vs ${n(recs(one))} rec/s (${n(r, 2)}×)`, met: r >= GOALS.thousandPartitionsOfOne });
    }
    out.push(...orNotMeasured(results, '1,000 partitions within 2× of 1', target));
  }

  {
    const target = `≥ ${n(GOALS.producersRecPerSec)} rec/s`;
    const producers = cases.filter((c) => c.runs > 0 && c.suite === 'producers');
    out.push(...orNotMeasured(eachCase(producers, (c) => `${c.client}, ${c.partitions} partition(s) (${where(c)})`, target, recs, atLeast(GOALS.producersRecPerSec), recS), 'several producer processes', target));
  }

  for (const [phase, t, what] of [['produce', GOALS.engineAppendRecPerSec, 'append, batches of 1,000'], ['consume', GOALS.engineReadRecPerSec, 'sequential read']] as const) {
    const target = `≥ ${n(t)} rec/s`;
    const engine = cases.filter((c) => c.runs > 0 && c.suite === 'engine' && c.phase === phase);
    out.push(...orNotMeasured(eachCase(engine, () => `log-core ${what}`, target, recs, atLeast(t), recS), `log-core ${what}`, target));
  }
  return out;
}

/** Markdown rows of the goal table. */
export function goalLines(goals: readonly GoalResult[]): string[] {
  return goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${g.met === null ? '' : g.met ? 'met' : '**not met**'} |`);
}
