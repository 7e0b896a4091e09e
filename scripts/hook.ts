// node <kit>/dist/hook.cjs <agent> [<event>] [dir=<session folder>]  (the agent's JSON on stdin, or last in argv)
// An agent's hook: records its state and guards its edits (docs/agents.md). Not a user command: bundled
// alone into dist/hook-main.cjs (CommonJS: it starts faster than an ES module), which dist/hook.cjs runs
// through V8's code cache (scripts/door.cjs). Node built-ins only, and it always exits 0 so that it
// never breaks the agent.
import { realpathSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { runHook } from './lib/agents/hook.ts';

// When this process started (as performance.timeOrigin, without loading perf_hooks): the order of the
// agent's events (a hook that started earlier changes nothing).
const startedMs = Date.now() - process.uptime() * 1000;
const argv = process.argv.slice(2);
// Codex notify passes the JSON as the last argument and leaves stdin to the terminal: do not wait on it.
const jsonInArgv = argv.some((a) => a.trimStart().startsWith('{'));
/** <kit>/dist/hook.cjs (or the hook.mjs that loads it), the command this bundle runs under -> <kit>. */
function kitDir(): string | undefined {
  try {
    return dirname(dirname(realpathSync(process.argv[1] ?? '')));
  } catch {
    return undefined;
  }
}
// Run in the background by bin/hook-later, whose shell is gone by now: the agent is that shell's parent.
const parent = Number(process.env.PARALLEL_HOOK_PARENT);
const ppid = Number.isInteger(parent) && parent > 1 ? parent : process.ppid;
// process.binding warns where node is told to warn of deprecated calls: the hook then reads a socket through the stream.
const warnsDeprecated = process.env.NODE_PENDING_DEPRECATION === '1' || /--pending-deprecation/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`);
void runHook({ argv, env: process.env, cwd: process.cwd(), stdin: jsonInArgv ? null : 0, socketBinding: !warnsDeprecated, stdinStream: () => process.stdin, startedMs, ppid, kitDir: kitDir() }).then((reply) => {
  // One write to fd 1 (the stdout stream over a pipe would load node's net module first).
  if (reply.stdout) {
    try {
      writeSync(1, reply.stdout);
    } catch {
      process.stdout.write(reply.stdout);
    }
  }
  // stdin may still be open (an agent that never closes it): end now rather than wait for it.
  process.exit(0);
});
