// The commit-time backstop's check (the pre-commit hook make agent-setup agent=git installs runs it in
// a session's copy): refuses a commit that touches a component another live session claims.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './lib/cli/run.ts';
import { loadContext } from './lib/config/context.ts';
import { gitRaw } from './lib/git/repo.ts';
import { checkCommit } from './lib/agents/backstop.ts';
import { SESSION_ENV_FILE } from './lib/store/paths.ts';

void runCommand('precommit-check', async (opts, { env }) => {
  const top = (await gitRaw(opts.repo ?? process.cwd(), ['rev-parse', '--show-toplevel'])).stdout.trim();
  if (!top || !existsSync(join(top, SESSION_ENV_FILE))) return 0;
  const ctx = await loadContext(top, { cwd: top, env });
  const found = await checkCommit(top, ctx.root, ctx.config, env);
  if (found.length === 0) return 0;
  for (const v of found) process.stderr.write(`precommit-check: refused: ${v.reason}\n`);
  process.stderr.write('precommit-check: unstage those paths (git restore --staged PATH) and commit again\n');
  return 1;
});
