// A conflict is reported with the next step: commands that work where the session is (a worktree, a
// clone against the main checkout, a branch without a copy), and that resolve it when followed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyncSummary } from '../../scripts/lib/sync/sync.ts';
import { asPrinted, make, makeJson } from '../helpers/make.ts';
import { commitFiles, commitOnBranch, gitIn, makeRepo, originOf, pushFromElsewhere } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

/** The first command of a next step (up to the first '; '), run by a shell as a person would paste it. */
function runFirstCommand(next: string, from = ''): { code: number; stderr: string } {
  const text = from ? next.slice(next.indexOf(from) + from.length) : next;
  const r = spawnSync('/bin/sh', ['-c', text.split('; ')[0] as string], { encoding: 'utf8' });
  return { code: r.status ?? 1, stderr: r.stderr };
}

const inProgress = (dir: string, op: string) => existsSync(gitIn(dir, 'rev-parse', '--path-format=absolute', '--git-path', op));

function resolveByHand(dir: string, op: 'rebase' | 'merge'): void {
  writeFileSync(join(dir, 'server/app.py'), 'print("both")\n');
  gitIn(dir, 'add', 'server/app.py');
  if (op === 'rebase') gitIn(dir, '-c', 'core.editor=true', 'rebase', '--continue');
  else gitIn(dir, 'commit', '-q', '--no-edit');
}

describe('a conflict says what to do next', () => {
  it('make sync-all: worktree, clone and branch each get steps that work there; followed, the next make sync is up to date', () => {
    const repo = makeRepo({ origin: true });
    const wt = newSession(repo, 'wt');
    const cl = newSession(repo, 'cl', { mode: 'clone' });
    newSession(repo, 'br', { mode: 'branch' });
    commitFiles(wt.path!, { 'server/app.py': 'print("wt")\n' }, 'wt');
    commitFiles(cl.path!, { 'server/app.py': 'print("cl")\n' }, 'cl');
    commitOnBranch(repo, 'feature/br', { 'server/app.py': 'print("br")\n' }, 'br');
    const teammate = pushFromElsewhere(originOf(repo), { 'server/app.py': 'print("team")\n' });

    const r = makeJson<SyncSummary>(repo, 'sync-all');
    expect(r.exit).toBe(1);
    const s = Object.fromEntries(r.data.sessions.map((x) => [x.name, x]));
    for (const n of ['wt', 'cl', 'br']) expect(s[n]).toMatchObject({ result: 'conflict', onto_ref: 'origin/main', onto: teammate });
    expect(s.wt?.next).toBe(`cd ${wt.path} && git rebase origin/main; fix the files, git add them, git rebase --continue; then make sync name=wt`);
    expect(s.cl?.next).toBe(`cd ${cl.path} && git fetch ${repo} origin/main && git rebase FETCH_HEAD; fix the files, git add them, git rebase --continue; then make sync name=cl`);
    expect(s.br?.next).toMatch(/^it has no copy, so check its branch out for the while: cd \S+ && git worktree add (\S+) feature\/br && cd \1 && git rebase origin\/main; fix the files, git add them, git rebase --continue; then git worktree remove \1 and make sync name=br$/);
    expect(s.wt?.message).toBe('rebase aborted: nothing was changed');

    const table = make(repo, 'sync-all');
    expect(table.stdout).toMatch(/^wt\s+conflict\s+[0-9a-f]{7}\s+in server\/app\.py: rebase aborted: nothing was changed; to resolve it: cd \S+ && git rebase origin\/main; .*then \S+\/bin\/kit sync name=wt$/m);

    // Followed by hand, each one stops at the conflict where the person resolves it.
    expect(runFirstCommand(s.wt!.next!).code).not.toBe(0);
    expect(inProgress(wt.path!, 'rebase-merge')).toBe(true);
    resolveByHand(wt.path!, 'rebase');
    expect(runFirstCommand(s.cl!.next!).code).not.toBe(0);
    expect(inProgress(cl.path!, 'rebase-merge')).toBe(true);
    resolveByHand(cl.path!, 'rebase');
    expect(runFirstCommand(s.br!.next!, 'for the while: ').code).not.toBe(0);
    const dir = /git worktree add (\S+) /.exec(s.br!.next!)?.[1] as string;
    resolveByHand(dir, 'rebase');
    gitIn(repo, 'worktree', 'remove', dir);

    const again = makeJson<SyncSummary>(repo, 'sync-all');
    expect(again.code, again.stderr).toBe(0);
    for (const x of again.data.sessions) expect(x).toMatchObject({ result: 'up-to-date', next: null });
    expect(readFileSync(join(wt.path!, 'server/app.py'), 'utf8')).toBe('print("both")\n');
  });

  it('strategy=merge says to merge and to sync with strategy=merge; a dirty copy and a removed one say what to run', () => {
    const repo = makeRepo();
    const mg = newSession(repo, 'mg');
    const dirty = newSession(repo, 'dirty');
    const gone = newSession(repo, 'gone');
    commitFiles(mg.path!, { 'server/app.py': 'print("mg")\n' }, 'mg');
    writeFileSync(join(dirty.path!, 'server/app.py'), 'uncommitted\n');
    gitIn(repo, 'worktree', 'remove', '--force', gone.path!);
    commitFiles(repo, { 'server/app.py': 'print("main")\n' }, 'main moves');

    const r = makeJson<SyncSummary>(repo, 'sync-all', { strategy: 'merge' });
    const s = Object.fromEntries(r.data.sessions.map((x) => [x.name, x]));
    expect(s.mg?.next).toBe(`cd ${mg.path} && git merge main; fix the files, git add them, git commit; then make sync name=mg strategy=merge`);
    expect(s.dirty).toMatchObject({ result: 'dirty', next: `commit them in ${dirty.path}, then make sync name=dirty strategy=merge (or make sync name=dirty strategy=merge autostash=1 takes them aside and back)` });
    expect(s.gone).toMatchObject({ result: 'missing', next: 'make end-session name=gone' });
    expect(runFirstCommand(s.mg!.next!).code).not.toBe(0);
    expect(inProgress(mg.path!, 'MERGE_HEAD')).toBe(true);
    resolveByHand(mg.path!, 'merge');
    expect(makeJson<SyncSummary>(repo, 'sync', { name: 'mg', strategy: 'merge' }).data.sessions[0]).toMatchObject({ result: 'up-to-date' });
  });

  it('make finish-session: the same steps, ending with make finish-session', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'fin');
    commitFiles(s.path!, { 'server/app.py': 'print("fin")\n' }, 'fin');
    commitFiles(repo, { 'server/app.py': 'print("main")\n' }, 'main moves');
    const r = make(repo, 'finish-session', { name: 'fin' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toContain(asPrinted(`conflicts in server/app.py; the session was left as it was. To resolve it: cd ${s.path} && git rebase main; fix the files, git add them, git rebase --continue; then make finish-session name=fin\n`));
  });
});
