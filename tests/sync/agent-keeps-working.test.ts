// Issue #9 case 1: files an agent saves while sync stands at a conflict survive the abort, byte for byte.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, DEFAULT_CONFIG, gitIn, makeRepo } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';
import { snapshot } from '../helpers/snapshot.ts';
import { agentGit } from './agent-git.ts';

interface Line {
  name: string;
  result: string;
  ok: boolean;
  conflicts: string[];
  message: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A session whose commit conflicts with the base in server/app.py; the base also adds docs/team.md. */
function conflicting(config?: string) {
  const repo = makeRepo(config ? { config } : {});
  const s = newSession(repo, 'busy');
  commitFiles(s.path!, { 'server/app.py': 'print("session")\n' }, 'session work');
  commitFiles(repo, { 'server/app.py': 'print("main")\n', 'docs/team.md': 'team\n' }, 'main moves');
  return { repo, s, before: snapshot(s.path!) };
}

/** What the agent saves while the rebase or merge stands at its conflict. */
function agentSaves(path: string): Record<string, string> {
  return {
    [join(path, 'README.md')]: 'agent readme\n', // tracked, not touched by the sync
    [join(path, 'server/app.py')]: 'print("agent")\n', // the conflicted file, saved over git's markers
    [join(path, 'docs/team.md')]: 'agent notes\n', // a file the incoming commit had just written
    [join(path, 'notes/idea.md')]: 'idea\n', // a new file
  };
}

function expectKept(path: string, before: ReturnType<typeof snapshot>, saved: Record<string, string>) {
  const after = snapshot(path);
  expect(after.head).toBe(before.head);
  expect(after.branch).toBe(before.branch);
  expect(after.markers).toEqual([]);
  expect(after.index).toBe(before.index);
  const files = { ...before.files };
  for (const [p, text] of Object.entries(saved)) {
    files[p.slice(path.length + 1)] = sha256(text);
    expect(readFileSync(p, 'utf8')).toBe(text);
  }
  expect(after.files).toEqual(files);
}

describe('an agent saving files while sync stands at a conflict', () => {
  it('make sync: every byte the agent wrote is kept, the rest is as it was', () => {
    const { repo, s, before } = conflicting();
    const saved = agentSaves(s.path!);
    const agent = agentGit({ afterFailed: 'rebase' }, { write: saved });
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'busy' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit).toBe(1);
    expect(r.data.sessions[0]).toMatchObject({ result: 'conflict', conflicts: ['server/app.py'] });
    expectKept(s.path!, before, saved);
    expect(r.data.sessions[0]!.message).toMatch(/kept as written: docs\/team\.md, server\/app\.py$/);
  });

  it('make sync-all strategy=merge: the same for a merge', () => {
    const { repo, s, before } = conflicting();
    const saved = agentSaves(s.path!);
    const agent = agentGit({ afterFailed: 'merge' }, { write: saved });
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync-all', { strategy: 'merge' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit).toBe(1);
    expect(r.data.sessions[0]).toMatchObject({ result: 'conflict', conflicts: ['server/app.py'] });
    expectKept(s.path!, before, saved);
  });

  it('make finish-session: the rebase it starts with keeps them too', () => {
    const { repo, s, before } = conflicting(`${DEFAULT_CONFIG}test: "true"\n`);
    const saved = agentSaves(s.path!);
    const agent = agentGit({ afterFailed: 'rebase' }, { write: saved });
    const r = make(repo, 'finish-session', { name: 'busy' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.exit).toBe(1);
    expect(r.stderr).toMatch(/could not rebase feature\/busy onto main .*conflicts in server\/app\.py/);
    expectKept(s.path!, before, saved);
    expect(gitIn(repo, 'rev-parse', 'main')).not.toBe(before.head);
  });

  it('make sync: an agent\'s git holding index.lock for a moment does not leave the copy half put back', () => {
    const { repo, s, before } = conflicting();
    const hold = 'L=$("$GIT" rev-parse --path-format=absolute --git-path index.lock); : > "$L"; (sleep 0.5; rm -f "$L") >/dev/null 2>&1 &';
    const agent = agentGit({ afterFailed: 'rebase' }, { run: [{ cwd: s.path!, sh: hold }] });
    const r = makeJson<{ sessions: Line[] }>(repo, 'sync', { name: 'busy' }, agent.env);
    expect(agent.acted()).toBe(true);
    expect(r.data.sessions[0]).toMatchObject({ result: 'conflict', message: 'rebase aborted: nothing was changed' });
    expect(snapshot(s.path!)).toEqual(before);
  });
});
