// Sending one notification. The configured `command` gets the event as JSON on stdin (a string runs
// through /bin/sh, as the config's setup does: it comes from the repository's own file; a list is the
// argv itself). Otherwise notify-send on Linux, osascript on macOS (the text as arguments of a fixed
// script, never a built string), and when neither works the terminal: OSC 9 (a desktop notification in
// terminals that know it) and a bell (tmux marks the window).
import { spawn } from 'node:child_process';
import type { NotifyConfig } from '../config/config.ts';
import type { NotifyEvent } from './decide.ts';

/** Where it went; none: no backend worked and no terminal was there to take it. */
export type Backend = 'command' | 'notify-send' | 'osascript' | 'terminal' | 'none';

export interface SendOptions {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Writes raw bytes to the person's terminal (the watcher's own); false when there is none. */
  terminal: (bytes: string) => boolean | void;
  timeoutMs?: number;
}

/** Text of a file or an agent, for a notification: no control characters, one line, bounded. */
export const plain = (s: string, max = 200) => s.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim().slice(0, max);

const WORDS: Record<string, string> = { waiting_input: 'needs input', failed: 'failed', crashed: 'crashed', completed: 'completed' };

export function titleOf(e: NotifyEvent): string {
  return plain(`${e.session}: ${WORDS[e.event] ?? e.event}`);
}

export function bodyOf(e: NotifyEvent): string {
  return plain(e.message || e.task || `${e.workspace}/${e.session}`) || e.session;
}

const OSASCRIPT = 'on run argv\ndisplay notification (item 2 of argv) with title (item 1 of argv)\nend run';

function runProgram(argv: readonly string[], input: string | null, opts: SendOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), { env: opts.env, stdio: [input === null ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.on('error', () => (clearTimeout(timer), resolve(false)));
    child.on('close', (code) => (clearTimeout(timer), resolve(code === 0)));
    if (input !== null) child.stdin?.on('error', () => undefined).end(input);
  });
}

/** Sends it; resolves with the backend that took it. */
export async function sendNotification(e: NotifyEvent, cfg: NotifyConfig, opts: SendOptions): Promise<Backend> {
  if (cfg.command) {
    const argv = typeof cfg.command === 'string' ? ['/bin/sh', '-c', cfg.command] : cfg.command;
    await runProgram(argv, `${JSON.stringify(e)}\n`, opts);
    return 'command';
  }
  const title = titleOf(e);
  const body = bodyOf(e);
  if (opts.platform === 'darwin' && (await runProgram(['osascript', '-e', OSASCRIPT, title, body], null, opts))) return 'osascript';
  if (opts.platform !== 'darwin' && (opts.env.DISPLAY || opts.env.WAYLAND_DISPLAY) && (await runProgram(['notify-send', '--app-name=parallel-kit', title, body], null, opts))) return 'notify-send';
  return opts.terminal(`\x1b]9;${title}: ${body}\x07\x07`) === false ? 'none' : 'terminal';
}
