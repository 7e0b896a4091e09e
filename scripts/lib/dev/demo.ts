// make demo: a throwaway repository, three sessions made by the real new-session, three simulated workers
// reporting through the real tracker command, and the real monitor waiting for them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OperationError } from '../core/errors.mjs';
import { lastLine, run } from '../core/exec.ts';
import { SessionMonitor, type SessionView } from '../monitor/monitor.ts';
import { DEMO_WORKERS, type DemoWorker } from './demo-workers.ts';
import { KIT_DIR } from '../core/kit-dir.ts';


const CONFIG = `# The demo's sample configuration.
base: main
workspace: sessions
worktree_root: ../worktrees
ports: { range: 8001-8099, env: [PORT] }
profiles: {}
components:
  server: { paths: [server/], description: "the API" }
  ui: { paths: [ui/], description: "the web front end" }
  docs: { paths: [docs/], description: "the documentation" }
copy: []
`;

const FILES: Record<string, string> = {
  'README.md': '# demo app\n\nA sample repository made by `make demo`.\n',
  'server/app.py': 'def index():\n    return "hello"\n',
  'ui/form.js': 'export const form = () => "<form></form>";\n',
  'docs/index.md': '# Docs\n',
  '.gitignore': '.parallel/\n',
  'parallel.config.yaml': CONFIG,
};

/** The environment of the demo's children: none of the caller's make variables or session settings. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(MAKEFLAGS|MFLAGS|MAKELEVEL|MAKEOVERRIDES|MAKE_TERMOUT|MAKE_TERMERR|PARALLEL_\w+|GIT_DIR|GIT_WORK_TREE)$/.test(k)) continue;
    if (/^[a-z][a-z0-9_]*$/.test(k)) continue; // make exports its command-line variables (keep=1 ...) in lower case
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Demo {
  /** The temporary folder; everything the demo makes is inside it. */
  dir: string;
  repo: string;
  workers: ChildProcess[];
}

export function makeDemoDir(): Demo {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kit-demo-')));
  return { dir, repo: join(dir, 'repo'), workers: [] };
}

async function must(cmd: string, args: string[], cwd: string, env = cleanEnv()): Promise<string> {
  const r = await run(cmd, args, { cwd, env });
  if (r.code !== 0) throw new OperationError(`${cmd} ${args.slice(0, 3).join(' ')}... failed: ${lastLine(r)}`);
  return r.stdout;
}

export async function makeSampleRepo(demo: Demo): Promise<void> {
  mkdirSync(demo.repo);
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(demo.repo, rel)), { recursive: true });
    writeFileSync(join(demo.repo, rel), text);
  }
  await must('git', ['init', '-q', '-b', 'main'], demo.repo);
  await must('git', ['add', '-A'], demo.repo);
  await must('git', ['-c', 'user.name=kit demo', '-c', 'user.email=demo@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'sample app'], demo.repo);
}

export function makeArgs(target: string, vars: Record<string, string>): string[] {
  return ['-s', '--no-print-directory', '-f', join(KIT_DIR, 'Makefile'), target, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
}

/** `make new-session` for one worker, as a user would; returns the worktree. */
export async function newDemoSession(demo: Demo, w: DemoWorker): Promise<{ path: string; branch: string; port: number }> {
  const out = await must('make', makeArgs('new-session', { name: w.name, component: w.component, json: '1' }), demo.repo);
  const rec = JSON.parse(out) as { path: string; branch: string; port: number };
  return { path: rec.path, branch: rec.branch, port: rec.port };
}

/** Starts a worker in its worktree, in its own process group (so that Ctrl-C cleanup can stop all of it). */
export function startWorker(demo: Demo, w: DemoWorker, path: string): ChildProcess {
  const script = join(demo.dir, `${w.name}-worker.sh`);
  writeFileSync(script, w.script);
  const child = spawn('sh', [script], { cwd: path, env: cleanEnv({ NODE: process.execPath, TRACK: join(KIT_DIR, 'dist', 'track.mjs') }), stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  demo.workers.push(child);
  return child;
}

/**
 * Runs a kit command the way its make target does (the bundle dist/cmd/<command>.mjs), output to our terminal.
 * Not through make itself, because make turns every failure into exit code 2 and we want the command's own.
 */
export function runKitCommand(demo: Demo, command: string, vars: Record<string, string>): Promise<number> {
  const args = [join(KIT_DIR, 'dist', 'cmd', `${command}.mjs`), ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: demo.repo, env: cleanEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Sessions that did not end the way the demo meant them to. */
export function unexpectedEndings(demo: Demo): string[] {
  const views = new SessionMonitor({ root: join(demo.repo, '.parallel'), workspace: 'sessions' }).sessions();
  const byName = new Map<string, SessionView>(views.map((v) => [v.session_id, v]));
  return DEMO_WORKERS.filter((w) => byName.get(w.name)?.state !== w.expected).map((w) => `${w.name} is ${byName.get(w.name)?.state ?? 'missing'}, expected ${w.expected}`);
}

/** Stops the workers still running and removes the whole temporary folder (worktrees included). */
export function cleanUp(demo: Demo, keep: boolean): void {
  for (const w of demo.workers) {
    if (w.exitCode !== null || w.signalCode !== null || !w.pid) continue;
    try {
      process.kill(-w.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (!keep) rmSync(demo.dir, { recursive: true, force: true });
}

export { DEMO_WORKERS };
