/** Options whose value may be a time ago written with a minus sign, like `--from-time -1h`. */
const TIME_OPTIONS = new Set(['--from-time', '--to-time']);
const TIME_AGO = /^-\d+(ms|s|m|h|d|w)$/;

/**
 * Joins `--from-time -1h` into `--from-time=-1h`: left apart, the parser would read `-1h` as the flags -1 and -h.
 * Everything else is left as it is.
 */
export function joinTimeAgoValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (TIME_OPTIONS.has(argv[i]) && next !== undefined && TIME_AGO.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}
