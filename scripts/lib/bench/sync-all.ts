// sync-all against the loop people write by hand: `git rebase` in every copy, one after another (target
// 0.7x). Every copy has one commit of its own, and the base moves by one commit before each timing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compare, timeCommand, type Comparison } from './timing.ts';
import { git, MAKEFILE, sampleRepo, type BenchRun } from './sample.ts';
import { alternate, BENCH_FILES } from './new-session-5k.ts';

const SESSIONS = 12;

export function benchSyncAll(b: BenchRun): Comparison[] {
  const root = join(b.root, 'sync');
  const repo = sampleRepo(root, BENCH_FILES);
  // Ports from a registry of the run's own: the machine's may be full of other checkouts' leases.
  const env = { ...b.env, PARALLEL_PORT_REGISTRY: join(root, 'port-registry') };
  const copies: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    timeCommand(1, () => ({ cmd: 'make', args: ['-s', '-f', MAKEFILE, 'new-session', `name=s${i}`, 'component=server', 'shared=1'], cwd: repo, env }));
    const raw = join(root, `raw${i}`);
    git(repo, 'worktree', 'add', '-q', '-b', `raw${i}`, raw, 'main');
    copies.push(raw);
    for (const dir of [join(root, 'repo-sessions', `s${i}`), raw]) {
      writeFileSync(join(dir, 'server', 'd0', `own${i}.txt`), `work of ${i}\n`);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', `own work ${i}`);
    }
  }
  const loop = copies.map((c) => `git -C '${c}' rebase -q main || exit 1`).join('\n');
  let moves = 0;
  const moveBase = () => {
    writeFileSync(join(repo, 'docs', 'd2', 'moving.txt'), `move ${moves++}\n`);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', `base moves ${moves}`);
  };
  const t = alternate(
    b.runs,
    () => ({ cmd: 'make', args: ['-s', '-f', MAKEFILE, 'sync-all'], cwd: repo, env }),
    () => ({ cmd: 'sh', args: ['-c', loop], cwd: repo, env }),
    moveBase,
  );
  return [compare('sync-all', `make sync-all (${SESSIONS} sessions, ${BENCH_FILES} files)`, t.subject, `${SESSIONS} x git rebase, one after another`, t.baseline, 0.7)];
}
