// Issue #9 case 7: autostash keeps the kit's stash under a ref of its own; the agents' `git stash list` is never touched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { agentGit } from './agent-git.ts';

interface Line {
  name: string;
  result: string;
  ok: boolean;
  stash_kept: string | null;
  message: string | null;
}

const stashList = (cwd: string) => gitIn(cwd, 'stash', 'list', '--format=%H %gd %gs');

describe('make sync-all autostash=1 and the agents\' own stashes', () => {
  it('never shows the kit\'s stash in git stash list, keeps one that does not apply under refs/parallel/autostash/', () => {
    const repo = makeRepo();
    const st = newSession(repo, 'st');
    const fine = newSession(repo, 'fine');
    // The agents' own stashes, one in each copy (worktrees share one stash list).
    writeFileSync(join(st.path!, 'README.md'), 'st agent wip\n');
    gitIn(st.path!, 'stash', 'push', '-q', '-m', 'st agent wip');
    writeFileSync(join(fine.path!, 'ui/app.js'), 'fine agent wip\n');
    gitIn(fine.path!, 'stash', 'push', '-q', '-m', 'fine agent wip');
    const agents = stashList(repo);
    expect(agents.split('\n')).toHaveLength(2);

    commitFiles(st.path!, { 'server/extra.py': 'extra\n' }, 'st work');
    commitFiles(fine.path!, { 'ui/extra.js': 'extra\n' }, 'fine work');
    writeFileSync(join(st.path!, 'server/app.py'), 'print("uncommitted in st")\n'); // clashes with the base below
    writeFileSync(join(st.path!, 'st-new.txt'), 'untracked\n');
    writeFileSync(join(fine.path!, 'docs/index.md'), '# uncommitted in fine\n');
    gitIn(fine.path!, 'add', 'docs/index.md');
    commitFiles(repo, { 'server/app.py': 'print("main")\n' }, 'main moves');

    // While the first rebase runs, an agent looks at its stashes (as `git stash pop` would).
    const agent = agentGit({ during: 'rebase', at: 'before' }, { run: [{ cwd: st.path!, sh: '"$GIT" stash list --format="%H %gd %gs" > "$OUT"' }] });
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync-all', { autostash: 1 }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(agent.readOut().trim()).toBe(agents);

    const [fineLine, stLine] = r.data.sessions;
    expect(fineLine).toMatchObject({ name: 'fine', result: 'rebased', ok: true, stash_kept: null });
    expect(gitIn(fine.path!, 'diff', '--cached', '--name-only')).toBe('docs/index.md');
    expect(readFileSync(join(fine.path!, 'docs/index.md'), 'utf8')).toBe('# uncommitted in fine\n');

    expect(r.exit).toBe(1);
    expect(stLine).toMatchObject({ name: 'st', result: 'rebased', ok: false, stash_kept: 'refs/parallel/autostash/st' });
    expect(stLine!.message).toMatch(/kept in refs\/parallel\/autostash\/st \(git stash apply refs\/parallel\/autostash\/st\)/);
    expect(gitIn(repo, 'show', 'refs/parallel/autostash/st:server/app.py')).toBe('print("uncommitted in st")');
    expect(readFileSync(join(st.path!, 'st-new.txt'), 'utf8')).toBe('untracked\n');

    expect(stashList(repo)).toBe(agents);
    expect(gitIn(repo, 'for-each-ref', '--format=%(refname)', 'refs/parallel/')).toBe('refs/parallel/autostash/st');
  });

  it('a file saved while the kit takes the changes aside ends up in the copy, not lost', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'race');
    commitFiles(s.path!, { 'server/extra.py': 'extra\n' }, 'race work');
    writeFileSync(join(s.path!, 'ui/app.js'), 'first save\n');
    commitFiles(repo, { 'docs/more.md': 'more\n' }, 'main moves');
    const app = join(s.path!, 'ui/app.js');
    const agent = agentGit({ during: 'stash', with: 'create', at: 'after' }, { write: { [app]: 'second save\n' } });
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'race', autostash: 1 }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit, JSON.stringify(r.data)).toBe(0);
    expect(r.data.sessions[0]).toMatchObject({ result: 'rebased', stash_kept: null });
    expect(readFileSync(app, 'utf8')).toBe('second save\n');
    expect(gitIn(repo, 'for-each-ref', 'refs/parallel/')).toBe('');
  });

  it('a clone keeps a stash that did not apply under its own ref, and end-session refuses to delete it', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'cl', { mode: 'clone' });
    writeFileSync(join(s.path!, 'server/app.py'), 'print("uncommitted in the clone")\n');
    commitFiles(repo, { 'server/app.py': 'print("main")\n' }, 'main moves');
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'cl', autostash: 1 });
    expect(r.data.sessions[0]).toMatchObject({ result: 'rebased', ok: false, stash_kept: 'refs/parallel/autostash/cl' });
    gitIn(s.path!, 'reset', '-q', '--hard'); // the half-applied stash thrown away: only the ref still holds it

    const end = make(repo, 'end-session', { name: 'cl' });
    expect(end.exit).toBe(1);
    expect(end.stderr).toMatch(/refs\/parallel\/autostash\/cl/);
    expect(gitIn(s.path!, 'show', 'refs/parallel/autostash/cl:server/app.py')).toBe('print("uncommitted in the clone")');
  });
});
