/**
 * With KLOG_BENCH_CPU_PROF_DIR set, the klog processes the benchmark starts (the broker, queue and task workers)
 * run under `node --cpu-prof` and leave a .cpuprofile each in that directory when they exit, for finding where a
 * case's CPU goes (docs/performance.md: "How to profile"). Node refuses --cpu-prof in NODE_OPTIONS, hence this.
 */
export function cpuProfileArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = env.KLOG_BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}
