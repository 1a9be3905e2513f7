/**
 * Options whose value may start with a minus sign: a time ago, like `--from-time -1h`, or a `--delay -5s` that its
 * own check should refuse by name rather than the parser read as flags.
 */
const TIME_OPTIONS = new Set(['--from-time', '--to-time', '--delay']);
const TIME_AGO = /^-\d+(ms|s|m|h|d|w)$/;
/** Options whose value may count back from the end, like kcat's `-o -5`. */
const OFFSET_OPTIONS = new Set(['--offset', '-o']);
const FROM_END = /^-\d+$/;

/**
 * Joins `--from-time -1h` into `--from-time=-1h` (and `-o -5` into `-o=-5`): left apart, the parser would read `-1h` as the flags -1 and -h.
 * Everything else is left as it is.
 */
export function joinTimeAgoValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      out.push(...argv.slice(i)); // after --, everything is a value as it stands
      break;
    }
    const next = argv[i + 1];
    if (next !== undefined && ((TIME_OPTIONS.has(argv[i]) && TIME_AGO.test(next)) || (OFFSET_OPTIONS.has(argv[i]) && FROM_END.test(next)))) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}
