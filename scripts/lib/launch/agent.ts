// Which agent a launch runs: the session's own (new-session's agent=, its recorded command), or the one
// agent= names, set up now (its hook files written, the record updated) when the session has another.
import { existsSync, readFileSync } from 'node:fs';
import type { Context } from '../config/context.ts';
import type { LaunchKind } from '../config/config.ts';
import { UsageError } from '../core/errors.mjs';
import { KIT_DIR } from '../core/kit-dir.ts';
import { commandLine, planAgent, resolveAgent, writeAgentFiles } from '../agents/setup.ts';
import { ensureExcluded, excludeFile } from '../git/worktrees.ts';
import { sessionDir } from '../store/paths.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { updateSession } from '../store/sessions.ts';

export interface LaunchAgent {
  name: string;
  kind: LaunchKind;
  /** new-session's launch command as words (the kit's hooks included). */
  argv: string[];
}

/** The session's recorded agent: its words, or (a record from before make launch) its command line through /bin/sh. */
function recorded(ctx: Context, r: SessionRecord): LaunchAgent | null {
  if (!r.agent) return null;
  const spec = resolveAgent(ctx.config, r.agent);
  if (!spec) return null;
  if (r.agent_argv?.length) return { name: r.agent, kind: spec.kind, argv: r.agent_argv };
  // The kit wrote that line (every word quoted): no user text is turned into a shell command here.
  if (r.agent_command) return { name: r.agent, kind: spec.kind, argv: ['/bin/sh', '-c', `exec ${r.agent_command}`] };
  return null;
}

/** Refuses (before anything is made) a launch=1 that would have no agent: neither agent= nor the config's agent:. */
export function requireAgent(config: Context['config'], requested: string | undefined): void {
  if (!resolveAgent(config, requested)) throw new UsageError(`launch=1 needs an agent: pass agent=claude (or codex, gemini, opencode, aider, a name under agents:), or set agent: in parallel.config.yaml`);
}

/** agent= (or the session's own) -> what to run; an agent the session was not set up for gets its hooks now. */
export async function agentFor(ctx: Context, r: SessionRecord, requested: string | undefined): Promise<{ agent: LaunchAgent; warnings: string[] }> {
  const own = recorded(ctx, r);
  if (!requested || requested === r.agent) {
    if (own) return { agent: own, warnings: [] };
    throw new UsageError(`session ${r.name} has no agent; name one: make launch name=${r.name} agent=claude (or codex, gemini, opencode, aider, a name under agents:)`);
  }
  const spec = resolveAgent(ctx.config, requested);
  if (!spec) throw new UsageError(`agent=${requested} starts nothing; make launch needs an agent (claude, codex, gemini, opencode, aider, a name under agents:)`);
  const stateDir = sessionDir(ctx.root, r.workspace, r.name);
  const plan = await planAgent({ spec, session: r.name, workspace: r.workspace, root: ctx.root, stateDir, copy: r.path, main: ctx.main, kitDir: KIT_DIR, env: ctx.env });
  // The kit's own files of an earlier set-up of the same kind are the same text: keep them.
  const fresh = plan.files.filter((f) => !(existsSync(f.path) && readFileSync(f.path, 'utf8') === f.text));
  writeAgentFiles({ ...plan, files: fresh, dirs: plan.dirs.filter((d) => !existsSync(d)), created: fresh.map((f) => f.path) });
  if (r.path) for (const pattern of plan.exclude) await ensureExcluded(ctx.root, await excludeFile(r.path), pattern);
  await updateSession(ctx.root, r.workspace, r.name, (rec) => ({ ...rec, agent: spec.name, agent_command: commandLine(plan.argv), agent_argv: plan.argv }));
  return { agent: { name: spec.name, kind: spec.kind, argv: plan.argv }, warnings: plan.warnings };
}
