// The everyday commands on the sample repository: new-session (which makes the sessions the next measures
// use) and the tracker in one of them (list-sessions and conflicts: listing.ts; the agents' hook: agents.ts).
import { join } from 'node:path';
import { compare, timeInterleaved, type Comparison } from './timing.ts';
import { MAKEFILE, type BenchRun } from './sample.ts';
import { KIT_DIR } from '../core/kit-dir.ts';

const TRACK = join(KIT_DIR, 'dist', 'track.mjs');

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

  return results;
}
