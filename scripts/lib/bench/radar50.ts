// The radar at fifty sessions whose every pair overlaps, against git merge-tree for every pair by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, timeInterleaved, type Comparison } from './timing.ts';
import { BUNDLE, git, type BenchRun } from './sample.ts';
import { writeSession } from '../store/sessions.ts';
import { isoWithOffset } from '../core/time.ts';

/**
 * Every session edits one line of the same 30-line file (so all 1225 pairs overlap and about a tenth
 * really conflict); the baseline is git merge-tree for every pair, one after another, which is what the
 * radar replaces.
 */
export function benchRadar50(b: BenchRun): Comparison[] {
  const repo = join(b.root, 'r50');
  mkdirSync(join(repo, 'server'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  writeFileSync(join(repo, 'server', 'shared.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(repo, 'parallel.config.yaml'), 'components:\n  server: { paths: [server/] }\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  const stateRoot = join(repo, '.parallel');
  const names = Array.from({ length: 50 }, (_, i) => `s${i}`);
  names.forEach((n, i) => {
    git(repo, 'checkout', '-q', '-b', `feature/${n}`, 'main');
    writeFileSync(join(repo, 'server', 'shared.txt'), `${lines.map((l, k) => (k === i % 30 ? `changed by ${n}` : l)).join('\n')}\n`);
    git(repo, 'commit', '-qam', n);
    writeSession(stateRoot, { version: 1, name: n, uid: n, workspace: 'sessions', kind: 'feature', component: 'server', shared: true, branch: `feature/${n}`, base: 'main', mode: 'branch', path: null, port: 9000 + i, profile: null, created: isoWithOffset(), state: 'active', copied: [], env_file: join(stateRoot, n, 'session.env') });
  });
  git(repo, 'checkout', '-q', 'main');
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((n) => `git merge-tree --write-tree --name-only feature/${a} feature/${n} >/dev/null || true`));
  const t = timeInterleaved(
    Math.max(3, Math.ceil(b.runs / 2)),
    () => ({ cmd: process.execPath, args: [BUNDLE('conflicts'), 'json=1'], cwd: repo, env: b.env }),
    () => ({ cmd: 'sh', args: ['-c', pairs.join('\n')], cwd: repo }),
  );
  return [compare('conflicts-50', 'conflicts radar, 50 sessions, all 1225 pairs overlapping', t.subject, '1225 x git merge-tree, one after another', t.baseline)];
}
