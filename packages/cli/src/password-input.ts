import { KlogError } from '@klog/log-core';

/** Everything on stdin, less one line ending: `echo pw | klog user add alice --password-stdin` gives "pw". */
export async function passwordFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw new KlogError('INVALID_CONFIG', 'stdin gave an empty password: pipe the password into --password-stdin');
  return text;
}

/**
 * Asks for a password on the terminal without showing it: stdin in raw mode, so nothing typed is echoed.
 * Enter ends it, Backspace takes back a character, Ctrl-C or Ctrl-D gives up. Passwords never go on the command
 * line, where `ps` and shell history would show them.
 */
export function promptPassword(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) {
    throw new KlogError('INVALID_CONFIG', 'no terminal to ask for the password on: pipe it in with --password-stdin (klog user add) or set KLOG_PASSWORD (--user)');
  }
  // Raw before the prompt shows: what a person types as soon as they see it must not be echoed.
  stdin.setRawMode(true);
  stdin.resume();
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err: Error | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(typed === '' ? new KlogError('INVALID_CONFIG', 'the password is empty') : null);
        if (ch === '\u0003' || ch === '\u0004') return done(new KlogError('INVALID_CONFIG', 'no password given'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
