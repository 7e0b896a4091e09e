// The agents' hook on its own (issue 15): a status event and a guarded edit, each against `node -e 0`
// with the same stdin, alternately. The guarded edit is judged against `peers` other sessions' guard.json.
// And the event of every tool call while the turn runs (PostToolUse through bin/hook-unless), which must
// cost less than a node start-up (issue 17 item 8).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hookUnlessArgv } from '../agents/fast-hook.ts';
import { compare, timeInterleaved, type Comparison } from './timing.ts';
import { KIT_DIR } from '../core/kit-dir.ts';

const HOOK = join(KIT_DIR, 'dist', 'hook.cjs');

export interface HookBench {
  /** The session's state folder (its status.json, guard.json): the hook's dir=. */
  stateDir: string;
  /** The session's copy: the payload's cwd, and where the edit goes (in the session's own component). */
  copy: string;
  /** A path in the copy, in the session's own component, for the guarded edit. */
  editPath: string;
  /** How many other sessions' guard.json the guard reads. */
  peers: number;
  runs: number;
  env: NodeJS.ProcessEnv;
}

export function benchHook(h: HookBench): Comparison[] {
  const payload = (fields: Record<string, unknown>) => JSON.stringify({ session_id: 'bench', transcript_path: '/dev/null', cwd: h.copy, permission_mode: 'default', ...fields });
  const args = [HOOK, 'claude', `dir=${h.stateDir}`];
  // NODE_EXTRA_CA_CERTS (a system bundle) costs every node start tens of ms, which flatters the ratio:
  // the targets are judged without it, and where it is set the ratio with it comes as a line of its own.
  const bare: NodeJS.ProcessEnv = { ...h.env, NODE_EXTRA_CA_CERTS: undefined };
  const node = (env: NodeJS.ProcessEnv, input: string) => () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: h.copy, env, input });
  const hookRun = (env: NodeJS.ProcessEnv, input: string) => () => ({ cmd: process.execPath, args, cwd: h.copy, env, input });
  const status = payload({ hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'done' });
  const edit = payload({ hook_event_name: 'PreToolUse', tool_name: 'Write', tool_use_id: 't', tool_input: { file_path: join(h.copy, h.editPath), content: 'x' } });
  // The hook's code cache grows over its first runs of a build (scripts/door.cjs): measure it grown, as it runs every day.
  for (let i = 0; i < 10; i++) for (const input of [status, edit]) spawnSync(process.execPath, args, { cwd: h.copy, env: bare, input });
  // The sessions just made (5,000-file checkouts) are still being written out: the hook's renames would wait on them.
  spawnSync('sync', [], { stdio: 'ignore' });
  const hs = timeInterleaved(h.runs * 3, hookRun(bare, status), node(bare, status));
  const hg = timeInterleaved(h.runs * 3, hookRun(bare, edit), node(bare, edit));
  const ca = h.env.NODE_EXTRA_CA_CERTS ? timeInterleaved(h.runs * 3, hookRun(h.env, status), node(h.env, status)) : null;
  // A turn under way (its state word fresh for a minute), then the tool-done event as Claude runs it.
  spawnSync(process.execPath, [HOOK, 'claude', 'UserPromptSubmit', `dir=${h.stateDir}`], { cwd: h.copy, env: h.env, input: payload({ hook_event_name: 'UserPromptSubmit', prompt: 'bench' }) });
  const [cmd, ...rest] = hookUnlessArgv(KIT_DIR, 'running', h.stateDir, [process.execPath, HOOK, 'claude', 'PostToolUse', `dir=${h.stateDir}`]);
  const done = payload({ hook_event_name: 'PostToolUse', tool_name: 'Read', tool_use_id: 't2', tool_input: { file_path: join(h.copy, h.editPath) }, tool_response: {} });
  const hp = timeInterleaved(h.runs * 3, () => ({ cmd: cmd!, args: rest, cwd: h.copy, env: bare, input: done }), node(bare, done));
  return [
    compare('hook-tool-done', 'bin/hook-unless running ... (PostToolUse during a turn: no node)', hp.subject, 'node -e 0', hp.baseline, 1.0),
    compare('hook', 'node dist/hook.cjs claude (Stop: a status event)', hs.subject, 'node -e 0', hs.baseline, 1.2),
    ...(ca ? [compare('hook-ca-certs', 'the same, both with NODE_EXTRA_CA_CERTS as set here', ca.subject, 'node -e 0', ca.baseline)] : []),
    compare('hook-guard', `node dist/hook.cjs claude (PreToolUse Write: a guard decision, ${h.peers} other guard files)`, hg.subject, 'node -e 0', hg.baseline, 1.5),
  ];
}
