// Gemini CLI: project hooks in the copy's .gemini/settings.json (Gemini has no --settings flag), kept out of
// git through info/exclude like .parallel-session.env. A project that tracks its own .gemini/settings.json
// keeps it untouched: the session then relies on make agent-setup's user-level hooks, gated on PARALLEL_SESSION.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../core/exec.ts';
import { commandLine, launchOnly, sessionVars, type AgentPlan, type AgentSetupInput } from './launch.ts';

export const GEMINI_SETTINGS = '.gemini/settings.json';

const EVENTS: readonly { event: string; matcher?: string }[] = [
  { event: 'SessionStart' },
  { event: 'BeforeAgent' },
  { event: 'BeforeTool', matcher: '*' },
  { event: 'AfterTool', matcher: '*' },
  { event: 'AfterAgent' },
  { event: 'Notification' },
  { event: 'SessionEnd' },
];

export function geminiSettings(input: AgentSetupInput): Record<string, unknown> {
  const hooks: Record<string, unknown[]> = {};
  for (const e of EVENTS) {
    // Gemini's timeouts are in milliseconds; its hooks' stdout must be JSON only (the hook prints nothing else).
    hooks[e.event] = [{ ...(e.matcher ? { matcher: e.matcher } : {}), hooks: [{ name: `parallel-kit-${e.event}`, type: 'command', command: commandLine(input.hook(e.event)), timeout: 10_000 }] }];
  }
  return { hooksConfig: { enabled: true }, hooks };
}

async function tracked(copy: string, rel: string): Promise<boolean> {
  const r = await run('git', ['ls-files', '--', rel], { cwd: copy });
  return r.code === 0 && r.stdout.trim() !== '';
}

// A new copy is a folder Gemini has never seen, and in an untrusted folder it ignores project settings and
// asks (or, headless, exits 55). The variable trusts this run's folder only, where --skip-trust or
// trustedFolders.json would change the user's settings or need a newer flag.
const TRUST = 'GEMINI_CLI_TRUST_WORKSPACE=true';

export async function geminiSetup(input: AgentSetupInput): Promise<AgentPlan> {
  const fallback = (why: string) =>
    launchOnly(['env', TRUST, ...sessionVars(input), input.spec.command, ...input.spec.args], [`${why}: the kit adds no Gemini hooks there; run make agent-setup for its user-level hooks (active only in sessions)`]);
  if (!input.copy) return fallback('a branch-mode session has no copy of its own');
  if (await tracked(input.copy, GEMINI_SETTINGS)) return fallback(`the project tracks ${GEMINI_SETTINGS}`);
  const file = join(input.copy, GEMINI_SETTINGS);
  if (existsSync(file)) return fallback(`${file} already exists`);
  const folder = join(input.copy, '.gemini');
  return {
    argv: ['env', TRUST, input.spec.command, ...input.spec.args],
    files: [{ path: file, text: `${JSON.stringify(geminiSettings(input), null, 2)}\n` }],
    dirs: [],
    created: [existsSync(folder) ? file : folder],
    exclude: [`/${GEMINI_SETTINGS}`],
    warnings: [],
  };
}
