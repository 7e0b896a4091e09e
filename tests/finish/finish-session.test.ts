import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FinishReport } from '../../scripts/lib/finish/finish.ts';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, commitOnBranch, DEFAULT_CONFIG, gitIn, makeRepo, originOf, pushFromElsewhere, tempDir } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';
import { snapshot } from '../helpers/snapshot.ts';

const CONFIG = `${DEFAULT_CONFIG}test: test -f server/ok.py\n`;
const noGh = () => ({ GH_CONFIG_DIR: tempDir('kit-gh-'), GH_TOKEN: '', GITHUB_TOKEN: '' });
const remoteBranch = (bare: string, branch: string) => gitIn(bare, 'for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`);

describe('make finish-session', () => {
  it('refuses a copy with uncommitted changes and changes nothing', () => {
    const repo = makeRepo({ config: CONFIG });
    const s = newSession(repo, 'dirty');
    commitFiles(repo, { 'docs/more.md': 'more\n' }, 'main moves');
    writeFileSync(join(s.path!, 'server/app.py'), 'edited\n');
    const before = snapshot(s.path!);
    const r = make(repo, 'finish-session', { name: 'dirty' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/finish-session: session 'dirty' has 1 uncommitted file\(s\) \(server\/app.py\); commit them first/);
    expect(snapshot(s.path!)).toEqual(before);
    expect(worklogField(repo, s.uid, 'Status')).toBe('IN PROGRESS');
  });

  it('stops when the test command fails: nothing pushed, status unchanged', () => {
    const repo = makeRepo({ config: CONFIG, origin: true });
    const bare = originOf(repo);
    const s = newSession(repo, 'red');
    commitFiles(s.path!, { 'server/feature.py': 'f\n' }, 'no ok.py yet');
    const r = make(repo, 'finish-session', { name: 'red' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/the test command failed with exit code 1: test -f server\/ok.py/);
    expect(remoteBranch(bare, 'feature/red')).toBe('');
    expect(worklogField(repo, s.uid, 'Status')).toBe('IN PROGRESS');
  });

  it('rebases onto the moved base, tests in the copy, pushes, marks READY FOR REVIEW, and prints the gh command', () => {
    const repo = makeRepo({ config: CONFIG, origin: true });
    const bare = originOf(repo);
    const s = newSession(repo, 'green');
    newSession(repo, 'br', { mode: 'branch' });
    commitFiles(s.path!, { 'server/ok.py': 'ok\n' }, 'green work');
    commitOnBranch(repo, 'feature/br', { 'server/ok.py': 'ok from br\n' }, 'br work');
    const teammate = pushFromElsewhere(bare, { 'docs/team.md': 'team\n' });

    const r = makeJson<FinishReport>(repo, 'finish-session', { name: 'green', pr: 1 }, noGh());
    expect(r.code, r.stderr).toBe(0);
    const head = gitIn(s.path!, 'rev-parse', 'HEAD');
    expect(gitIn(s.path!, 'merge-base', '--is-ancestor', teammate, 'HEAD')).toBe('');
    expect(r.data.sync).toMatchObject({ result: 'rebased', onto: teammate, after: head });
    expect(r.data.test).toMatchObject({ command: 'test -f server/ok.py', code: 0 });
    expect(r.data.pushed_to).toEqual(['origin']);
    expect(remoteBranch(bare, 'feature/green')).toBe(head);
    expect(worklogField(repo, s.uid, 'Status')).toBe('READY FOR REVIEW');
    expect(r.data.pr).toMatchObject({ created: false, reason: expect.stringMatching(/not installed|not logged in/) });
    const title = r.data.pr!.argv[8]!;
    expect(title).toBe('green work');
    expect(r.data.pr!.argv.slice(0, 8)).toEqual(['gh', 'pr', 'create', '--base', 'main', '--head', 'feature/green', '--title']);
    expect(r.data.pr!.argv[10]).toMatch(/^## Commits\n\n- green work\n/);
    expect(r.data.pr!.command.startsWith(`gh pr create --base main --head feature/green --title '${title}' --body '`)).toBe(true);

    const again = make(repo, 'finish-session', { name: 'green', pr: 1 }, noGh());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already on origin\/main/);
    expect(again.stdout).toMatch(/pull req\.\s+not created: .*Run this in /);
    expect(again.stdout).toMatch(/^ {4}gh pr create --base main --head feature\/green --title /m);

    const br = makeJson<FinishReport>(repo, 'finish-session', { name: 'br' });
    expect(br.code, br.stderr).toBe(0);
    expect(br.data.test.code).toBe(0);
    expect(remoteBranch(bare, 'feature/br')).toBe(gitIn(repo, 'rev-parse', 'feature/br'));
    expect(gitIn(repo, 'worktree', 'list').split('\n')).toHaveLength(2);
  });

  it('merge=1 with a clone session: pushes into the main checkout, fast-forwards the base, ends the session', () => {
    const repo = makeRepo({ config: CONFIG });
    const s = newSession(repo, 'solo', { mode: 'clone' });
    const work = commitFiles(s.path!, { 'server/ok.py': 'ok\n' }, 'solo work');
    const r = makeJson<FinishReport>(repo, 'finish-session', { name: 'solo', merge: 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.pushed_to).toEqual(['main checkout']);
    expect(r.data.merged).toMatchObject({ base: 'main', to: work, pushed: null });
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(work);
    expect(readFileSync(join(repo, 'server/ok.py'), 'utf8')).toBe('ok\n');
    expect(r.data.ended).toMatchObject({ outcome: 'COMPLETED', branch_deleted: true });
    expect(existsSync(s.path!)).toBe(false);
    expect(gitIn(repo, 'branch', '--list', 'feature/solo')).toBe('');
    expect(worklogField(repo, s.uid, 'Status')).toBe('MERGED');
  });

  it('merge=1 refuses before moving the base when the tests leave files behind', () => {
    const repo = makeRepo({ config: 'components: { server: { paths: [server/] } }\ntest: "echo ok > test-report.txt"\n' });
    const path = newSession(repo, 'solo').path!;
    commitFiles(path, { 'server/s.py': 's\n' }, 'solo work');
    const base = gitIn(repo, 'rev-parse', 'main');
    const r = make(repo, 'finish-session', { name: 'solo', merge: 1 });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/merge=1 would end the session, but its copy has test-report.txt.*The base was not moved/);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(base);
    expect(existsSync(path)).toBe(true);
  });
});
