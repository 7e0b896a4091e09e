// Issue #9 case 13: finish-session merge=1 refuses before the base moves, never after it with "nothing was changed".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make } from '../helpers/make.ts';
import { commitFiles, DEFAULT_CONFIG, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession, worklogField } from '../helpers/session.ts';
import { agentGit } from '../sync/agent-git.ts';

const CONFIG = `${DEFAULT_CONFIG}test: "true"\n`;

describe('make finish-session merge=1', () => {
  it('refuses before the base moves when ending would lose a commit of another branch of the clone', () => {
    const repo = makeRepo({ config: CONFIG });
    const s = newSession(repo, 'solo', { mode: 'clone' });
    commitFiles(s.path!, { 'server/ok.py': 'ok\n' }, 'solo work');
    gitIn(s.path!, 'checkout', '-q', '-b', 'scratch');
    const spike = commitFiles(s.path!, { 'server/spike.py': 'spike\n' }, 'spike on a side branch');
    gitIn(s.path!, 'checkout', '-q', 'feature/solo');
    const main = gitIn(repo, 'rev-parse', 'main');

    const r = make(repo, 'finish-session', { name: 'solo', merge: 1 });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`merge=1 would end the session, but .*${spike.slice(0, 7)} spike on a side branch.*The base was not moved`));
    expect(r.stderr).not.toMatch(/nothing was changed/);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(main);
    expect(existsSync(s.path!)).toBe(true);
    expect(gitIn(s.path!, 'rev-parse', 'scratch')).toBe(spike);
  });

  it('when a file appears in the copy just as the base moves, it says the base moved and keeps the file', () => {
    const repo = makeRepo({ config: CONFIG });
    const s = newSession(repo, 'late');
    const work = commitFiles(s.path!, { 'server/ok.py': 'ok\n' }, 'late work');
    const late = join(s.path!, 'server/late.py');
    const agent = agentGit({ during: 'merge', with: '--ff-only', at: 'after' }, { write: { [late]: 'saved late\n' } });

    const r = make(repo, 'finish-session', { name: 'late', merge: 1 }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit).toBe(1);
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(work);
    expect(r.stderr).not.toMatch(/nothing was changed/);
    expect(r.stderr).toMatch(/main was fast-forwarded to feature\/late \([0-9a-f]{7} -> [0-9a-f]{7}\), but ending the session failed: .*server\/late\.py/);
    expect(readFileSync(late, 'utf8')).toBe('saved late\n');
    expect(worklogField(repo, s.uid, 'Status')).toBe('READY FOR REVIEW');
  });
});
