// Several commands that look beyond the machine at the same moment (two terminals, a monitor and a
// list, the publisher beside them) and a plain `git fetch` of the same refs: each fetch updates the same
// refs, and git takes a lock per ref. None of them may print "cannot lock ref" or any warning, and each
// must show what the remote holds.
import { execFileSync, spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchRemote, lostRefRace } from '../../scripts/lib/remote/fetch.ts';
import { kitIn } from '../helpers/make.ts';
import { gitIn, makeRepo, originOf } from '../helpers/repo.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { webClone } from './web.ts';

beforeAll(() => ensureBuilt());

const BRANCHES = Array.from({ length: 4 }, (_, i) => `claude/w${i}`);

/** Moves 300 refs under refs/parallel/ on the remote to new commits, as 300 publishers would: a long ref update for every fetch. */
function publishMany(bare: string, round: number): void {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) lines.push(`commit refs/parallel/sessions/m${i % 20}/sessions/s${i}`, `committer p <p@x> ${1_700_000_000 + round} +0000`, 'data 3', `r${round}`, '');
  execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: bare, input: `${lines.join('\n')}\n` });
}

describe('concurrent fetches', () => {
  it('four list-sessions remote=1 and a plain git fetch at once, two rounds: no warning, every branch listed', async () => {
    const repo = makeRepo({ origin: true });
    const web = webClone(originOf(repo));
    for (let round = 0; round < 2; round++) {
      // Every branch moves before each round, so that every fetch has refs to update (and locks to take).
      const tips = BRANCHES.map((b) => web.push(b, { [`server/${b.replace('/', '-')}.py`]: `round ${round}\n` }));
      publishMany(originOf(repo), round);
      const lists = Array.from({ length: 4 }, () => kitIn(repo, ['list-sessions', 'remote=1', 'json=1'], process.env));
      // Someone's own fetch in the same checkout (its outcome is git's business, not the kit's).
      const plain = new Promise((resolve) => spawn('git', ['fetch', '-q', 'origin'], { cwd: repo, stdio: 'ignore' }).on('close', resolve));
      const results = await Promise.all(lists);
      await plain;
      for (const r of results) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toBe('');
        const data = JSON.parse(r.stdout) as { remote: { reached: boolean; warning: string | null }; remote_branches: { branch: string; tip: string }[] };
        expect(data.remote).toMatchObject({ reached: true, warning: null });
        expect(data.remote_branches.map((b) => b.branch)).toEqual(BRANCHES);
        expect(data.remote_branches.map((b) => b.tip)).toEqual(tips);
      }
    }
  });

  it('the library: fetches of one remote with the state folder take turns, each reached, none failed', async () => {
    const repo = makeRepo({ origin: true });
    const web = webClone(originOf(repo));
    BRANCHES.forEach((b) => web.push(b, { [`ui/${b.replace('/', '-')}.js`]: 'x\n' }));
    const req = { remote: 'origin', branches: ['claude/*', 'main'], env: process.env, root: `${repo}/.parallel` };
    for (let round = 0; round < 3; round++) {
      publishMany(originOf(repo), round);
      const got = await Promise.all(Array.from({ length: 6 }, () => fetchRemote(repo, req)));
      expect(got.map((g) => [g.reached, g.warning])).toEqual(Array.from({ length: 6 }, () => [true, null]));
      expect(gitIn(repo, 'rev-parse', 'refs/parallel-remote/origin/sessions/m0/sessions/s0')).toBe(gitIn(originOf(repo), 'rev-parse', 'refs/parallel/sessions/m0/sessions/s0'));
    }
    expect(gitIn(repo, 'for-each-ref', '--format=%(refname)', 'refs/remotes/origin/claude/').split('\n')).toEqual(BRANCHES.map((b) => `refs/remotes/origin/${b}`));
  });

  it('a lost race for a ref lock is told from a real failure by git\'s own words', () => {
    // What git 2.39 printed when another process held the ref's lock (saved from a real run).
    const race = [
      "error: cannot lock ref 'refs/remotes/origin/claude/w3': Unable to create '/tmp/x/.git/refs/remotes/origin/claude/w3.lock': File exists.",
      '',
      'Another git process seems to be running in this repository, e.g.',
      "an editor opened by 'git commit'. Please make sure all processes",
      'are terminated then try again. If it still fails, a git process',
      'may have crashed in this repository earlier:',
      'remove the file manually to continue.',
    ].join('\n');
    expect(lostRefRace({ code: 1, stderr: race })).toBe(true);
    expect(lostRefRace({ code: 1, stderr: `${race}\nerror: some local refs could not be updated; try running\n 'git remote prune origin' to remove any old, conflicting branches` })).toBe(true);
    expect(lostRefRace({ code: 1, stderr: "fatal: '/nowhere' does not appear to be a git repository\nfatal: Could not read from remote repository." })).toBe(false);
    expect(lostRefRace({ code: 1, stderr: `${race}\nfatal: the remote end hung up unexpectedly` })).toBe(false);
    expect(lostRefRace({ code: 0, stderr: '' })).toBe(false);
  });
});
