// The everyday commands on the sample repository: new-session (which makes the sessions the next measures
// use), the tracker in one of them, list-sessions and the conflicts radar over them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, timeCommand, timeInterleaved, type Comparison } from './timing.ts';
import { BUNDLE, git, MAKEFILE, type BenchRun } from './sample.ts';
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

  const statuses = timeCommand(runs, () => ({ cmd: 'sh', args: ['-c', `for i in $(seq 0 ${runs - 1}); do git -C ../repo-sessions/s$i status --porcelain=v2 --branch >/dev/null; done`], cwd: repo }));
  const list = timeCommand(runs, () => ({ cmd: process.execPath, args: [BUNDLE('list-sessions'), 'json=1'], cwd: repo, env }));
  results.push(compare('list-sessions', `list-sessions (${runs} sessions, conflict column included)`, list, `${runs} x git status, one after another`, statuses));

  // Every session changes one shared file: all pairs overlap, so the radar merges every pair.
  const names = Array.from({ length: runs }, (_, i) => `s${i}`);
  names.forEach((n, i) => {
    const dir = join(root, 'repo-sessions', n);
    writeFileSync(join(dir, 'server', 'd0', 'f0.txt'), `changed by ${n}\n`.repeat(i + 1));
    git(dir, 'commit', '-qam', `${n} edits f0`);
  });
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((n) => `git merge-tree --write-tree --name-only feature/${a} feature/${n} >/dev/null || true`));
  const byHand = timeCommand(runs, () => ({ cmd: 'sh', args: ['-c', pairs.join('\n')], cwd: repo }));
  const conflicts = timeCommand(runs, () => ({ cmd: process.execPath, args: [BUNDLE('conflicts'), 'json=1'], cwd: repo, env }));
  results.push(compare('conflicts', `conflicts radar (${runs} sessions, ${pairs.length} overlapping pairs, + each vs base)`, conflicts, `${pairs.length} x git merge-tree, one after another`, byHand));
  return results;
}
