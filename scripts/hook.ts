// node <kit>/dist/hook.mjs <agent> [<event>] [dir=<session folder>]  (the agent's JSON on stdin, or last in argv)
// An agent's hook: records its state and guards its edits (docs/agents.md). Not a user command: bundled
// alone into dist/hook.mjs, Node built-ins only, and it always exits 0 so that it never breaks the agent.
import { writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHook } from './lib/agents/hook.ts';

// When this process started: the order of the agent's events (a hook that started earlier changes nothing).
const startedMs = performance.timeOrigin;
const argv = process.argv.slice(2);
// Codex notify passes the JSON as the last argument and leaves stdin to the terminal: do not wait on it.
const jsonInArgv = argv.some((a) => a.trimStart().startsWith('{'));
const reply = await runHook({ argv, env: process.env, cwd: process.cwd(), stdin: jsonInArgv ? null : 0, stdinStream: () => process.stdin, startedMs, ppid: process.ppid, kitDir: dirname(dirname(fileURLToPath(import.meta.url))) });
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
