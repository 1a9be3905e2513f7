import { klogBasis } from './basis.js';
import type { CaseSummary } from './cases.js';
import { fmt } from './format.js';
import { GOALS } from './goal-thresholds.js';

/**
 * The summary of the goals (thresholds in goal-thresholds.ts) printed at the end of a run: each judged on the
 * medians of that run's cases, one line per case it applies to (a goal on the broker is judged at each fsync
 * setting measured), or one "not measured" line when the run left its suite or target out.
 */

export interface GoalResult {
  goal: string;
  target: string;
  /** The median(s) judged, as printed. */
  measured: string;
  met: boolean | null;
}

/** Systems the peer goals compare klog with: the other products, not klog behind another client (klog-kafka). */
const PEER_SYSTEMS = ['redis', 'nats'];
/** The klog systems whose 6-partition throughput must keep up with 1 partition. */
const PARTITIONED_SYSTEMS = ['klog-embedded', 'klog-broker'];

const measured = (cases: readonly CaseSummary[], keep: (c: CaseSummary) => boolean): CaseSummary[] => cases.filter((c) => c.runs > 0 && keep(c));
const where = (c: CaseSummary): string => `${c.system}:${c.setting}`;
const recs = (c: CaseSummary): number => c.recordsPerSec.median;

/** One result per case, or a single "not measured" line when there are none. */
function judge(name: string, target: string, cases: CaseSummary[], each: (c: CaseSummary) => Omit<GoalResult, 'target'> | null): GoalResult[] {
  const results = cases.flatMap((c) => {
    const r = each(c);
    return r === null ? [] : [{ ...r, target }];
  });
  return results.length > 0 ? results : [{ goal: name, target, measured: 'not measured', met: null }];
}

/** A case's median against a floor (rec/s) or a ceiling (ms, CPU s); a figure that is not a number fails. */
function threshold(value: number, limit: number, kind: 'floor' | 'ceiling'): boolean {
  return Number.isFinite(value) && (kind === 'floor' ? value >= limit : value <= limit);
}

function brokerThroughput(cases: readonly CaseSummary[]): GoalResult[] {
  return (['produce', 'consume'] as const).flatMap((phase) => {
    const limit = phase === 'produce' ? GOALS.brokerProduceRecPerSec : GOALS.brokerConsumeRecPerSec;
    const broker = measured(cases, (c) => c.suite === 'throughput' && c.system === 'klog-broker' && c.caseName === 'tput-1p' && c.phase === phase);
    return judge(`broker ${phase}, 1 partition`, `≥ ${fmt(limit)} rec/s`, broker, (c) => ({
      goal: `broker ${phase}, 1 partition, klog client (${where(c)})`,
      measured: `${fmt(recs(c))} rec/s`,
      met: threshold(recs(c), limit, 'floor'),
    }));
  });
}

function clientCpu(cases: readonly CaseSummary[]): GoalResult[] {
  const limit = GOALS.clientCpuSecondsPerMillion;
  const broker = measured(cases, (c) => c.suite === 'throughput' && c.system === 'klog-broker' && c.caseName === 'tput-1p');
  return judge('client CPU per million records', `≤ ${fmt(limit, 1)} s per M records`, broker, (c) => ({
    goal: `client CPU, broker ${c.phase}, 1 partition (${where(c)})`,
    measured: `${fmt(c.clientCpuPerMillion.median, 2)} s`,
    met: threshold(c.clientCpuPerMillion.median, limit, 'ceiling'),
  }));
}

/** Many partitions against one: the `many` case's median over the same system, setting and phase's `one` case. */
function partitionRatio(cases: readonly CaseSummary[], name: string, target: string, many: CaseSummary[], oneCaseName: string, atLeast: number): GoalResult[] {
  return judge(name, target, many, (c) => {
    const one = measured(cases, (o) => o.suite === c.suite && o.caseName === oneCaseName && o.system === c.system && o.setting === c.setting && o.phase === c.phase)[0];
    if (one === undefined) return null;
    const r = recs(c) / recs(one);
    return {
      goal: `${fmt(c.partitions)} vs 1 partition, ${c.phase} (${where(c)})`,
      measured: `${fmt(recs(c))} vs ${fmt(recs(one))} rec/s (${fmt(r, 2)}×)`,
      met: threshold(r, atLeast, 'floor'),
    };
  });
}

function sixPartitions(cases: readonly CaseSummary[]): GoalResult[] {
  const six = measured(cases, (c) => c.suite === 'throughput' && c.caseName === 'tput-6p' && PARTITIONED_SYSTEMS.includes(c.system));
  const target = GOALS.sixPartitionsOfOne === 1 ? '6 partitions ≥ 1 partition' : `6 partitions ≥ ${GOALS.sixPartitionsOfOne} × 1 partition`;
  return partitionRatio(cases, '6 partitions no slower than 1', target, six, 'tput-1p', GOALS.sixPartitionsOfOne);
}

function thousandPartitions(cases: readonly CaseSummary[]): GoalResult[] {
  const many = measured(cases, (c) => c.suite === 'scale' && c.caseName === 'scale-p1000');
  const target = `1,000 partitions ≥ ${GOALS.thousandPartitionsOfOne} × 1 partition`;
  return partitionRatio(cases, '1,000 partitions within 2× of 1', target, many, 'scale-p1', GOALS.thousandPartitionsOfOne);
}

function peers(cases: readonly CaseSummary[]): GoalResult[] {
  const peerCases = measured(cases, (c) => (c.suite === 'throughput' || c.suite === 'latency') && PEER_SYSTEMS.includes(c.system));
  const target = `klog ≥ ${GOALS.peerThroughputRatio}× peer rec/s; p99 ≤ ${GOALS.peerP99Ratio === 1 ? '' : `${GOALS.peerP99Ratio} × `}peer's`;
  return judge('every peer phase', target, peerCases, (peer) => {
    const basis = klogBasis(cases, peer);
    if (basis === undefined) return null;
    const vs = `${peer.phase} vs ${where(peer)} (${where(basis)})`;
    if (peer.p99Ms !== null && basis.p99Ms !== null) {
      const r = basis.p99Ms.median / peer.p99Ms.median;
      return { goal: vs, measured: `p99 ${fmt(basis.p99Ms.median, 2)} vs ${fmt(peer.p99Ms.median, 2)} ms (${fmt(r, 2)}×)`, met: threshold(r, GOALS.peerP99Ratio, 'ceiling') };
    }
    const r = recs(basis) / recs(peer);
    return { goal: vs, measured: `${fmt(r, 2)}×`, met: threshold(r, GOALS.peerThroughputRatio, 'floor') };
  });
}

function latency(cases: readonly CaseSummary[]): GoalResult[] {
  return ([['klog-broker', GOALS.brokerP99Ms], ['klog-embedded', GOALS.embeddedP99Ms]] as const).flatMap(([system, limit]) => {
    const at = measured(cases, (c) => c.suite === 'latency' && c.system === system && c.caseName === 'lat-1p');
    return judge(`${system} p99 at the latency rate`, `p99 ≤ ${fmt(limit)} ms`, at, (c) => ({
      goal: `${system.replace('klog-', '')} e2e latency, 1 partition (${where(c)})`,
      measured: `${fmt(c.p99Ms?.median ?? Number.NaN, 2)} ms`,
      met: threshold(c.p99Ms?.median ?? Number.NaN, limit, 'ceiling'),
    }));
  });
}

function producers(cases: readonly CaseSummary[]): GoalResult[] {
  const limit = GOALS.producersRecPerSec;
  return judge('several producer processes', `≥ ${fmt(limit)} rec/s`, measured(cases, (c) => c.suite === 'producers'), (c) => ({
    goal: `${c.client}, ${c.partitions} partition(s) (${where(c)})`,
    measured: `${fmt(recs(c))} rec/s`,
    met: threshold(recs(c), limit, 'floor'),
  }));
}

function engine(cases: readonly CaseSummary[]): GoalResult[] {
  const steps = [
    { phase: 'produce', limit: GOALS.engineAppendRecPerSec, what: 'log-core append, batches of 1,000' },
    { phase: 'consume', limit: GOALS.engineReadRecPerSec, what: 'log-core sequential read' },
  ] as const;
  return steps.flatMap(({ phase, limit, what }) =>
    judge(what, `≥ ${fmt(limit)} rec/s`, measured(cases, (c) => c.suite === 'engine' && c.phase === phase), (c) => ({
      goal: what,
      measured: `${fmt(recs(c))} rec/s`,
      met: threshold(recs(c), limit, 'floor'),
    })),
  );
}

export function evaluateGoals(cases: readonly CaseSummary[]): GoalResult[] {
  return [
    ...brokerThroughput(cases),
    ...clientCpu(cases),
    ...sixPartitions(cases),
    ...peers(cases),
    ...latency(cases),
    ...thousandPartitions(cases),
    ...producers(cases),
    ...engine(cases),
  ];
}

/** Markdown rows of the goal table. */
export function goalLines(goals: readonly GoalResult[]): string[] {
  return goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${g.met === null ? '' : g.met ? 'met' : '**not met**'} |`);
}
