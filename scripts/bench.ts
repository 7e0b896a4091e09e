// make bench [runs=N json=1]: the kit's commands against raw git / node baselines, medians of N runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, timeCommand, timeInterleaved, type Comparison } from './lib/dev/bench.ts';
import { runCommand } from './lib/cli/run.ts';
import { renderTable } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { KIT_DIR } from './lib/core/kit-dir.ts';
import { writeSession } from './lib/store/sessions.ts';
import { isoWithOffset } from './lib/core/time.ts';
import { writeGuardFile } from './lib/agents/guard.ts';

const MAKEFILE = join(KIT_DIR, 'Makefile');
const TRACK = join(KIT_DIR, 'dist', 'track.mjs');
const HOOK = join(KIT_DIR, 'dist', 'hook.mjs');
const GIT_ID = { GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ID } });
}

/** A repository with `files` files across 30 folders, three components. */
function sampleRepo(root: string, files: number): string {
  const repo = join(root, 'repo');
  mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  for (let i = 0; i < files; i++) {
    const dir = join(repo, ['server', 'ui', 'docs'][i % 3] as string, `d${i % 30}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.txt`), `line ${i}\n`.repeat(20));
  }
  writeFileSync(join(repo, 'parallel.config.yaml'), 'components:\n  server: { paths: [server/] }\n  ui: { paths: [ui/] }\n  docs: { paths: [docs/] }\n');
  writeFileSync(join(repo, '.gitignore'), '.parallel/\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'sample');
  return repo;
}

/**
 * The issue's target: all pairs of 50 sessions. Every session edits one line of the same 30-line file
 * (so all 1225 pairs overlap and about a tenth really conflict); the baseline is git merge-tree for
 * every pair, one after another, which is what the radar replaces.
 */
function radarOf50(root: string, env: NodeJS.ProcessEnv, runs: number): Comparison {
  const repo = join(root, 'r50');
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
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => `git merge-tree --write-tree --name-only feature/${a} feature/${b} >/dev/null || true`));
  const t = timeInterleaved(
    Math.max(3, Math.ceil(runs / 2)),
    () => ({ cmd: process.execPath, args: [join(KIT_DIR, 'dist', 'cmd', 'conflicts.mjs'), 'json=1'], cwd: repo, env }),
    () => ({ cmd: 'sh', args: ['-c', pairs.join('\n')], cwd: repo }),
  );
  return compare('conflicts-50', 'conflicts radar, 50 sessions, all 1225 pairs overlapping', t.subject, '1225 x git merge-tree, one after another', t.baseline);
}

await runCommand('bench', async (opts) => {
  const runs = opts.runs ?? 9;
  const files = opts.files ?? 3000;
  const root = mkdtempSync(join(tmpdir(), 'kit-bench-'));
  const results: Comparison[] = [];
  try {
    const repo = sampleRepo(root, files);
    const env = { ...GIT_ID, NO_COLOR: '1' };
    execFileSync('make', ['-s', '-f', MAKEFILE, 'deps', 'build'], { stdio: 'ignore' });

    const ns = timeInterleaved(
      runs,
      (i) => ({ cmd: 'make', args: ['-s', '-f', MAKEFILE, 'new-session', `name=s${i}`, 'component=server', 'shared=1'], cwd: repo, env }),
      (i) => ({ cmd: 'git', args: ['worktree', 'add', '-q', '-b', `raw${i}`, join(root, `raw${i}`), 'main'], cwd: repo, env }),
    );
    results.push(compare('new-session', `make new-session (${files} files)`, ns.subject, 'git worktree add -b', ns.baseline));

    const session = join(root, 'repo-sessions', 's0');
    const tr = timeInterleaved(
      runs * 3,
      (i) => ({ cmd: process.execPath, args: [TRACK, i === 0 ? 'event=start' : 'event=heartbeat', `progress=${i % 100}`, 'message=bench', `pid=${process.pid}`], cwd: session, env }),
      () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: repo }),
    );
    results.push(compare('track', 'node dist/track.mjs event=heartbeat', tr.subject, 'node -e 0', tr.baseline));

    // The agents' hook: a status event (Claude's Stop), and a guarded edit against every session's guard.json.
    const stateOf = (n: string) => join(repo, '.parallel', 'sessions', n);
    for (let i = 0; i < runs; i++) {
      const [component, path] = i === 0 ? ['server', 'server/'] : (['ui', 'ui/'] as const);
      writeGuardFile(stateOf(`s${i}`), { version: 1, session: `s${i}`, workspace: 'sessions', copy: join(root, 'repo-sessions', `s${i}`), main: repo, component, paths: [path], shared: i > 0, guard: 'deny' });
    }
    const payload = (fields: Record<string, unknown>) => JSON.stringify({ session_id: 'bench', transcript_path: '/dev/null', cwd: session, permission_mode: 'default', ...fields });
    const hookArgs = ['claude', `dir=${stateOf('s0')}`];
    const status = payload({ hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'done' });
    const hs = timeInterleaved(
      runs * 3,
      () => ({ cmd: process.execPath, args: [HOOK, ...hookArgs], cwd: session, env, input: status }),
      () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: repo, input: status }),
    );
    results.push(compare('hook', 'node dist/hook.mjs claude (Stop: a status event)', hs.subject, 'node -e 0', hs.baseline));
    const edit = payload({ hook_event_name: 'PreToolUse', tool_name: 'Write', tool_use_id: 't', tool_input: { file_path: join(session, 'ui', 'd1', 'new.txt'), content: 'x' } });
    const hg = timeInterleaved(
      runs * 3,
      () => ({ cmd: process.execPath, args: [HOOK, ...hookArgs], cwd: session, env, input: edit }),
      () => ({ cmd: process.execPath, args: ['-e', '0'], cwd: repo, input: edit }),
    );
    results.push(compare('hook-guard', `node dist/hook.mjs claude (PreToolUse Write: a guard decision, ${runs} guard files)`, hg.subject, 'node -e 0', hg.baseline));

    const statuses = timeCommand(runs, () => ({ cmd: 'sh', args: ['-c', `for i in $(seq 0 ${runs - 1}); do git -C ../repo-sessions/s$i status --porcelain=v2 --branch >/dev/null; done`], cwd: repo }));
    const list = timeCommand(runs, () => ({ cmd: process.execPath, args: [join(KIT_DIR, 'dist', 'cmd', 'list-sessions.mjs'), 'json=1'], cwd: repo, env }));
    results.push(compare('list-sessions', `list-sessions (${runs} sessions, conflict column included)`, list, `${runs} x git status, one after another`, statuses));

    // Every session changes one shared file: all pairs overlap, so the radar merges every pair.
    const names = Array.from({ length: runs }, (_, i) => `s${i}`);
    names.forEach((n, i) => {
      const dir = join(root, 'repo-sessions', n);
      writeFileSync(join(dir, 'server', 'd0', 'f0.txt'), `changed by ${n}\n`.repeat(i + 1));
      git(dir, 'commit', '-qam', `${n} edits f0`);
    });
    const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b) => `git merge-tree --write-tree --name-only feature/${a} feature/${b} >/dev/null || true`));
    const byHand = timeCommand(runs, () => ({ cmd: 'sh', args: ['-c', pairs.join('\n')], cwd: repo }));
    const conflicts = timeCommand(runs, () => ({ cmd: process.execPath, args: [join(KIT_DIR, 'dist', 'cmd', 'conflicts.mjs'), 'json=1'], cwd: repo, env }));
    results.push(compare('conflicts', `conflicts radar (${runs} sessions, ${pairs.length} overlapping pairs, + each vs base)`, conflicts, `${pairs.length} x git merge-tree, one after another`, byHand));

    results.push(radarOf50(root, env, runs));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (opts.json) return printJson(results);
  const rows = results.map((r) => [r.name, `${r.subject_ms} ms`, `${r.baseline_ms} ms`, `${r.ratio}x`, r.subject, r.baseline]);
  process.stdout.write(`${renderTable(['BENCH', 'MEDIAN', 'BASELINE', 'RATIO', 'SUBJECT', 'BASELINE COMMAND'], rows)}\n(medians of ${runs} runs; track, hook and node of ${runs * 3})\n`);
});
