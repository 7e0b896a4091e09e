// The everyday commands on the sample repository: new-session (which makes the sessions the next measures
// use), the tracker and the agents' hook in one of them (list-sessions and conflicts: listing.ts).
import { join } from 'node:path';
import { compare, timeInterleaved, type Comparison } from './timing.ts';
import { MAKEFILE, type BenchRun } from './sample.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { writeGuardFile } from '../agents/guard.ts';

const TRACK = join(KIT_DIR, 'dist', 'track.mjs');
const HOOK = join(KIT_DIR, 'dist', 'hook.mjs');

export function benchSessions(b: BenchRun): Comparison[] {
  const { root, repo, runs, files, env } = b;
  const results: Comparison[] = [];
  const ns = timeInterleaved(
    runs,
    (i) => ({ cmd: 'make', args: ['-s', '-f', MAKEFILE, 'new-session', `name=s${i}`, 'component=server', 'shared=1'], cwd: repo, env }),
    (i) => ({ cmd: 'git', args: ['worktree', 'add', '-q', '-b', `raw${i}`, join(root, `raw${i}`), 'main'], cwd: repo, env }),
  );
  results.push(compare('new-session', `make new-session (${files} files)`, ns.subject, 'git worktree add -b', ns.baseline));

  const session = join(root, 'repo-sessions', 's0');
  const tr = timeInterleaved(
    runs * 3,
    (i) => ({ cmd: process.execPath, args: [TRACK, i === 0 ? 'event=start' : 'event=heartbeat', `progress=${i % 100}`, 'message=bench', `pid=${process.pid}`], cwd: session, env }),
    () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: repo }),
  );
  results.push(compare('track', 'node dist/track.mjs event=heartbeat', tr.subject, 'node -e 0', tr.baseline));

  // The agents' hook: a status event (Claude's Stop), and a guarded edit against every session's guard.json.
  const stateOf = (n: string) => join(repo, '.parallel', 'sessions', n);
  for (let i = 0; i < runs; i++) {
    const [component, path] = i === 0 ? ['server', 'server/'] : (['ui', 'ui/'] as const);
    writeGuardFile(stateOf(`s${i}`), { version: 1, session: `s${i}`, workspace: 'sessions', copy: join(root, 'repo-sessions', `s${i}`), main: repo, component, paths: [path], shared: i > 0, guard: 'deny' });
  }
  const payload = (fields: Record<string, unknown>) => JSON.stringify({ session_id: 'bench', transcript_path: '/dev/null', cwd: session, permission_mode: 'default', ...fields });
  const hookArgs = ['claude', `dir=${stateOf('s0')}`];
  const status = payload({ hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'done' });
  const hs = timeInterleaved(
    runs * 3,
    () => ({ cmd: process.execPath, args: [HOOK, ...hookArgs], cwd: session, env, input: status }),
    () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: repo, input: status }),
  );
  results.push(compare('hook', 'node dist/hook.mjs claude (Stop: a status event)', hs.subject, 'node -e 0', hs.baseline, 1.2));
  const edit = payload({ hook_event_name: 'PreToolUse', tool_name: 'Write', tool_use_id: 't', tool_input: { file_path: join(session, 'ui', 'd1', 'new.txt'), content: 'x' } });
  const hg = timeInterleaved(
    runs * 3,
    () => ({ cmd: process.execPath, args: [HOOK, ...hookArgs], cwd: session, env, input: edit }),
    () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: repo, input: edit }),
  );
  results.push(compare('hook-guard', `node dist/hook.mjs claude (PreToolUse Write: a guard decision, ${runs} guard files)`, hg.subject, 'node -e 0', hg.baseline, 1.5));

  return results;
}
