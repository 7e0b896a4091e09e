// Issue #9 case 2: sync never overwrites a copy's ignored (or untracked) files with files the base starts tracking.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, DEFAULT_CONFIG, gitIn, makeRepo, writeFiles } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { snapshot } from '../helpers/snapshot.ts';

interface Line {
  name: string;
  result: string;
  ok: boolean;
  dirty: string[];
  message: string | null;
}

/** A session with an edited .env (ignored, copied in) and ignored notes; the base then starts tracking both. */
function baseTracksTheirPaths(config?: string) {
  const repo = makeRepo({ files: { '.gitignore': '.parallel/\n.env\n*.log\n' }, ...(config ? { config } : {}) });
  commitFiles(repo, { '.gitignore': '.parallel/\n.env\n*.log\n' }, 'ignore logs');
  writeFileSync(join(repo, '.env'), 'TOKEN=from-main\n');
  const s = newSession(repo, 'keep');
  commitFiles(s.path!, { 'server/feature.py': 'f\n' }, 'session work');
  writeFiles(s.path!, { '.env': 'TOKEN=the-agents-secret\n', 'logs/run.log': 'the agents notes\n' });
  writeFileSync(join(repo, '.env'), 'TOKEN=template\n');
  gitIn(repo, 'add', '-f', '.env');
  writeFiles(repo, { 'logs/run.log': 'log template\n' });
  gitIn(repo, 'add', '-f', 'logs/run.log');
  gitIn(repo, 'commit', '-q', '-m', 'track .env and logs/run.log');
  return { repo, s, before: snapshot(s.path!) };
}

describe('sync and files the base starts tracking', () => {
  for (const strategy of ['rebase', 'merge'] as const) {
    it(`make sync strategy=${strategy}: refuses, names the ignored files, leaves the copy untouched`, () => {
      const { repo, s, before } = baseTracksTheirPaths();
      const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'keep', strategy }, {});
      expect(r.exit).toBe(1);
      expect(r.data.sessions[0]).toMatchObject({ result: 'dirty', ok: false, dirty: ['.env', 'logs/run.log'] });
      expect(r.data.sessions[0]!.message).toMatch(/the base now tracks \.env, logs\/run\.log, which this copy has as files of its own .*; move them aside/);
      expect(snapshot(s.path!)).toEqual(before);
      expect(readFileSync(join(s.path!, '.env'), 'utf8')).toBe('TOKEN=the-agents-secret\n');
    });
  }

  it('make sync autostash=1: an untracked file in the way is refused the same way, not stashed', () => {
    const repo = makeRepo();
    const s = newSession(repo, 'loose');
    writeFiles(s.path!, { 'docs/team.md': 'my draft\n' });
    commitFiles(repo, { 'docs/team.md': 'team\n' }, 'main adds docs/team.md');
    const before = snapshot(s.path!);
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'loose', autostash: 1 });
    expect(r.exit).toBe(1);
    expect(r.data.sessions[0]).toMatchObject({ result: 'dirty', dirty: ['docs/team.md'] });
    expect(snapshot(s.path!)).toEqual(before);
    expect(gitIn(repo, 'for-each-ref', 'refs/parallel/')).toBe('');
  });

  it('make finish-session: refuses before anything moves', () => {
    const { repo, s, before } = baseTracksTheirPaths(`${DEFAULT_CONFIG}test: "true"\n`);
    const r = make(repo, 'finish-session', { name: 'keep' });
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/could not rebase feature\/keep onto main .*the base now tracks \.env, logs\/run\.log/);
    expect(snapshot(s.path!)).toEqual(before);
  });
});

describe('a tracked file the base turns into a folder', () => {
  it('is not in the way: the one-commit sync rebases it, as git rebase does', () => {
    const repo = makeRepo({ files: { 'server/x': 'a file\n' } });
    const s = newSession(repo, 'tofolder');
    commitFiles(s.path!, { 'server/own.py': 'mine\n' }, 'session work');
    gitIn(repo, 'rm', '-q', 'server/x');
    writeFiles(repo, { 'server/x/y': 'now a folder\n' });
    gitIn(repo, 'add', 'server/x/y');
    gitIn(repo, 'commit', '-q', '-m', 'x becomes a folder');
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'tofolder' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.sessions[0]).toMatchObject({ result: 'rebased', ok: true });
    expect(readFileSync(join(s.path!, 'server', 'x', 'y'), 'utf8')).toBe('now a folder\n');
    expect(readFileSync(join(s.path!, 'server', 'own.py'), 'utf8')).toBe('mine\n');
  });
});
