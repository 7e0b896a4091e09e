// Claude Code's WorktreeCreate hook (make agent-setup agent=claude installs it): `claude -w COMPONENT/NAME`
// starts kit session NAME claiming COMPONENT (a plain NAME: the config's only component) and prints only
// its copy's absolute path, where Claude then works. Claude's JSON comes on stdin. The session is an
// agent=claude session (record agent claude, guard.json, its --settings file in the state folder), and
// its hooks also go into the copy's .claude/settings.local.json: Claude, already running, reads that
// file for the -w session, so the session reports its states and is guarded.
import { readFileSync } from 'node:fs';
import { runCommand } from './lib/cli/run.ts';
import { loadContext } from './lib/config/context.ts';
import { UsageError } from './lib/core/errors.mjs';
import { KIT_DIR } from './lib/core/kit-dir.ts';
import { writeCopySettings } from './lib/agents/install-claude.ts';
import { createSession } from './lib/session/create.ts';
import { sessionDir } from './lib/store/paths.ts';

void runCommand('claude-worktree', async (opts, { env }) => {
  const text = readFileSync(0, 'utf8');
  let payload: { name?: unknown; cwd?: unknown };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw new UsageError("Claude's WorktreeCreate JSON on stdin is not JSON");
  }
  const full = typeof payload.name === 'string' ? payload.name : '';
  const cwd = typeof payload.cwd === 'string' ? payload.cwd : process.cwd();
  const ctx = await loadContext(opts.repo ?? cwd, { cwd, env });
  const slash = full.indexOf('/');
  const names = Object.keys(ctx.config.components);
  const component = slash > 0 ? full.slice(0, slash) : names.length === 1 ? (names[0] as string) : '';
  const name = slash > 0 ? full.slice(slash + 1) : full;
  if (!component) throw new UsageError(`claude -w ${full}: say the component as COMPONENT/NAME (one of ${names.join(', ')})`);
  const r = await createSession(ctx, { name, component, agent: 'claude' }, { onStep: (t) => process.stderr.write(`  ${t}...\n`), setupOutput: 'capture' });
  if (!r.record.path) throw new UsageError('the config\'s mode is branch: Claude needs a copy to work in (mode: worktree or clone)');
  try {
    await writeCopySettings(r.record.path, ctx.root, sessionDir(ctx.root, ctx.config.workspace, name), KIT_DIR);
  } catch (err) {
    process.stderr.write(`warning: the session's hooks are not in ${r.record.path}/.claude/settings.local.json (${(err as Error).message}): it will not report its states\n`);
  }
  process.stdout.write(`${r.record.path}\n`);
});
