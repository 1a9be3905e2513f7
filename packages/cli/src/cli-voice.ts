/** What the command line was about, to put real names where a hint has placeholders. */
export interface HintContext {
  /** The command as typed, e.g. `group describe`; empty before one is known. */
  command: string;
  topic?: string;
  group?: string;
  queue?: string;
}

/** The client names the request and the broker ("describeGroup on broker 127.0.0.1:7420: …"): noise at a shell. */
const RPC_PREFIX = /\b[a-z][A-Za-z]+ on broker [^\s:]+:\d+: /g;

/**
 * An error line as a person at a shell should read it: without the client's request names, and with the hints'
 * placeholders (`<command>`, `<topic>`, `<group>`, `<queue>`) replaced by what was typed, so the hint can be pasted as it is.
 */
export function inCliVoice(line: string, ctx: HintContext): string {
  return line
    .replace(RPC_PREFIX, '')
    .replaceAll('klog <command> --help', ctx.command ? `klog ${ctx.command} --help` : 'klog --help')
    .replaceAll('<topic>', ctx.topic ?? 'TOPIC')
    .replaceAll('<group>', ctx.group ?? 'GROUP')
    .replaceAll('<queue>', ctx.queue ?? 'QUEUE');
}

/** The leading words of argv that name a command (`group describe g1 --json` → `group describe`). */
export function commandPath(argv: string[], known: ReadonlyMap<string, readonly string[]>): string {
  const [first, second] = argv;
  const subs = first === undefined ? undefined : known.get(first);
  if (!subs) return '';
  return second !== undefined && subs.includes(second) ? `${first} ${second}` : first;
}
