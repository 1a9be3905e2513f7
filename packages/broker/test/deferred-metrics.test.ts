import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { DeferredCounter } from '../src/metrics/deferred-counter.js';
import { PlainHistogram } from '../src/metrics/plain-histogram.js';
import { propertyParameters } from '../../../test/reliability/fuzz-seed.js';

/**
 * The broker counts per request in plain numbers and hands them to prom-client at scrape time. Against the
 * prom-client Counter and Histogram they replace, fed the same observations, every scrape (text and JSON) is
 * the same, with scrapes in between. A registry reset (the broker never resets its registry) empties both
 * alike; counted again after it, a series comes back in the order it was first made, so the property resets only
 * at its end.
 */

const BOUNDS = [0.0001, 0.001, 0.01, 0.1, 1, 10];

type Step = { kind: 'observe'; series: number; value: number } | { kind: 'scrape' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('observe' as const), series: fc.nat(3), value: fc.oneof(fc.constantFrom(...BOUNDS, 0, 50), fc.double({ min: 0, max: 20, noNaN: true })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('scrape' as const) }) },
);

const SERIES = [['native', 'produce'], ['native', 'fetch'], ['kafka', 'Produce'], ['native', 'a "quoted"\\api']] as const;

function params(name: string, numRuns: number): { numRuns: number; seed: number } {
  const p = propertyParameters(numRuns);
  console.log(`${name}: seed ${p.seed} (replay: KLOG_FUZZ_SEED=${p.seed} npx vitest run packages/broker/test/deferred-metrics.test.ts)`);
  return p;
}

it('a DeferredCounter and a PlainHistogram scrape as the prom-client Counter and Histogram they replace', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { maxLength: 60 }), async (steps) => {
      const ours = new Registry();
      const theirs = new Registry();
      const counter = new DeferredCounter<'listener' | 'api'>({ name: 'c_total', help: 'h', labelNames: ['listener', 'api'], registers: [ours] });
      const histogram = new PlainHistogram<'listener' | 'api'>('d_seconds', 'help "x"', BOUNDS, ours);
      const refCounter = new Counter({ name: 'c_total', help: 'h', labelNames: ['listener', 'api'], registers: [theirs] });
      const refHistogram = new Histogram({ name: 'd_seconds', help: 'help "x"', labelNames: ['listener', 'api'], buckets: BOUNDS, registers: [theirs] });
      const scrape = async () => {
        expect(await ours.metrics()).toBe(await theirs.metrics());
        expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
      };
      for (const step of steps) {
        if (step.kind === 'scrape') await scrape();
        else {
          const [listener, api] = SERIES[step.series];
          const key = `${listener} ${api}`;
          counter.slot(key, { listener, api }).n += 1;
          histogram.labelled(key, { listener, api }).observe(step.value);
          refCounter.labels(listener, api).inc();
          refHistogram.labels(listener, api).observe(step.value);
        }
      }
      await scrape();
      ours.resetMetrics();
      theirs.resetMetrics();
      await scrape();
    }),
    params('deferred metrics against prom-client', 150),
  );
});
