import { performance } from 'node:perf_hooks';
import { cpuSeconds, rssBytes } from './proc-stats.js';

/** What one measured phase cost: wall time, the server's peak RSS and CPU, and this (client) process's CPU. */
export interface PhaseCost {
  seconds: number;
  peakRssBytes: number;
  serverCpuSeconds: number;
  clientCpuSeconds: number;
}

const SAMPLE_INTERVAL_MS = 50;

/**
 * Measures a phase against the process that does the storage work: a server's PID, or this process for
 * embedded targets. RSS is sampled during the phase (rather than read from VmHWM) because a server lives
 * through several phases and VmHWM would carry an earlier phase's peak into a later one.
 */
export async function meterPhase<T>(serverPid: number, phase: () => Promise<T>): Promise<{ result: T; cost: PhaseCost }> {
  let peak = rssBytes(serverPid) ?? 0;
  const sample = (): void => {
    peak = Math.max(peak, rssBytes(serverPid) ?? 0);
  };
  const timer = setInterval(sample, SAMPLE_INTERVAL_MS);
  const serverCpu0 = cpuSeconds(serverPid) ?? 0;
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await phase();
    const seconds = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(clientCpu0);
    sample();
    return {
      result,
      cost: {
        seconds,
        peakRssBytes: peak,
        serverCpuSeconds: (cpuSeconds(serverPid) ?? serverCpu0) - serverCpu0,
        clientCpuSeconds: (client.user + client.system) / 1e6,
      },
    };
  } finally {
    clearInterval(timer);
  }
}
