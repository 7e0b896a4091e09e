// make advise measures on a stand-in and leaves the repository, its state folder and the folder beside it
// exactly as it found them, also when interrupted; it prints a decision table and writes the report.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_BIN, kit, make } from '../helpers/make.ts';
import { gitIn, makeRepo, tempDir } from '../helpers/repo.ts';
import { newSession } from '../helpers/session.ts';

/** Every file under `dir` with a hash of its content (`skip` names left out, folders' own names listed). */
function tree(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  if (!existsSync(dir)) return ['(absent)'];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      if (statSync(p).isDirectory()) {
        out.push(`${rel}/`);
        walk(p);
      } else out.push(`${rel} ${createHash('sha1').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

function snapshot(repo: string) {
  return {
    refs: gitIn(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: gitIn(repo, 'worktree', 'list', '--porcelain'),
    config: readFileSync(join(repo, '.git', 'config'), 'utf8'),
    status: gitIn(repo, 'status', '--porcelain', '--ignored'),
    // git's own files, the index aside (git status refreshes its stat data)
    git: tree(join(repo, '.git'), (rel) => rel === 'index' || rel.startsWith('objects/')),
    objects: tree(join(repo, '.git', 'objects')).length,
    state: tree(join(repo, '.parallel'), (rel) => rel.startsWith('locks/')),
    beside: readdirSync(dirname(repo)).sort(),
  };
}

describe('make advise', () => {
  it('prints a decision table, writes the report with every section, and leaves everything as it found it', () => {
    const repo = makeRepo({ origin: true, files: { 'server/lib/a.py': 'a\n', 'ui/b.js': 'b\n' } });
    newSession(repo, 'existing');
    const before = snapshot(repo);
    const out = join(tempDir('kit-advise-'), 'advice.md');
    const r = make(repo, 'advise', { sessions: 3, out });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mode +new-session +disk +files +create all +disk for all +list-sessions +sync-all$/m);
    for (const mode of ['worktree', 'clone', 'sparse']) expect(r.stdout).toMatch(new RegExp(`^${mode}( \\(recommended\\))? +\\d`, 'm'));
    expect(r.stdout).toMatch(/^Recommendation: mode=(worktree|clone|sparse)$/m);
    expect(r.stdout).toMatch(/projected to sessions=3/);
    const report = readFileSync(out, 'utf8');
    const sections = [...report.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Summary', 'Strategy', 'Decision matrix', 'Resource requirements', 'Scalability', 'Risks and how the kit mitigates them', 'Success metrics']);
    expect(report).toMatch(/^\| mode \| new-session \|/m);
    expect(report).toMatch(/^\| (\*\*)?sparse/m);
    expect(snapshot(repo)).toEqual(before);
  });

  it('interrupted with Ctrl-C while it measures, it stops and leaves nothing behind', async () => {
    const repo = makeRepo();
    const before = snapshot(repo);
    const child = spawn(KIT_BIN, ['advise', 'sessions=2'], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupt once it has made a session of its own (its state folder lives in its temporary folder).
    const made = () => readdirSync(dirname(repo)).some((f) => f.startsWith('.parallel-advise-') && existsSync(join(dirname(repo), f, 'state', 'advise-worktree')));
    const deadline = Date.now() + 60_000;
    while (!made() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(made()).toBe(true);
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/interrupted/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('bad input: a folder that is not a repository, sessions=0: one line, exit 2', () => {
    const notRepo = tempDir('kit-plain-');
    const a = kit(notRepo, 'advise', { repo: notRepo });
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/not inside a git repository/);
    const repo = makeRepo();
    const b = kit(repo, 'advise', { sessions: 0 });
    expect(b.code).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/sessions/);
  });
});
