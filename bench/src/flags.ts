/**
 * Walks command-line flags. `handle` is given each flag and a way to take its value, and returns false for a
 * flag it does not know. `--quick` is skipped (callers apply it first, so explicit flags win whatever their
 * order); `--help` prints the usage and exits.
 */
export function readFlags(argv: string[], usage: string, handle: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') continue;
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(usage);
      process.exit(0);
    }
    if (!handle(flag, value)) throw new Error(`unknown flag ${flag}\n${usage}`);
  }
}
