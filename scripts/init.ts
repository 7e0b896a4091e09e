// make init [makefile=1 remove=1 force=1 commit=1 repo=PATH json=1]
import { createInterface } from 'node:readline/promises';
import { COMMANDS } from './lib/cli/commands.mjs';
import { printJson } from './lib/cli/output.ts';
import { runCommand } from './lib/cli/run.ts';
import { UsageError } from './lib/core/errors.mjs';
import { KIT_DIR } from './lib/core/kit-dir.ts';
import { shellQuote } from './lib/core/shell.ts';
import { findBlock } from './lib/front/block.ts';
import { projectMakefile } from './lib/front/targets.ts';
import { locateRepo } from './lib/git/repo.ts';
import { initRepo } from './lib/init/init.ts';
import { readFileSync } from 'node:fs';
import { loadContext } from './lib/config/context.ts';
import { drainPool } from './lib/warm/fill.ts';

/** On a terminal, with no makefile= given: ask whether to add the block (the answer is the default no). */
async function askMakefile(main: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return false;
  const mk = projectMakefile(main);
  if (mk && findBlock(readFileSync(mk, 'utf8'))) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`Add the kit's commands to ${mk ? 'the project\'s Makefile' : 'a new Makefile'}, so that make new-session ... works in the project and its copies? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

void runCommand('init', async (opts, { env, hint }) => {
  if (opts.force && !opts.remove) throw new UsageError('force=1 goes with remove=1 (take out a block someone edited)');
  if (opts.makefile && opts.remove) throw new UsageError('makefile=1 adds the block and remove=1 takes it out: give one of them');
  const loc = await locateRepo(opts.repo ?? process.cwd());
  const makefile = opts.makefile || (!opts.remove && !opts.json && (await askMakefile(loc.main)));
  const commands = COMMANDS.map((c) => c.name);
  const r = await initRepo(loc.main, { commands, kitDir: KIT_DIR, env, makefile, remove: opts.remove, force: opts.force, commit: opts.commit });
  // The way out of the kit takes the warm pool's clean copies with it (copies someone wrote into stay).
  const pool = opts.remove ? await loadContext(loc.main, { cwd: process.cwd(), env }).then(drainPool, () => null) : null;
  if (opts.json) return printJson({ repo: loc.main, changes: r.changes, commit: r.commit, uncommitted: r.uncommitted, ...(pool ? { pool_removed: pool.removed, pool_left: pool.left } : {}) });
  for (const p of pool?.removed ?? []) process.stdout.write(`  removed   ${p}: a copy of the warm pool\n`);
  for (const p of pool?.left ?? []) process.stdout.write(`  kept      ${p}: a pool copy someone wrote into (make pool size=0 force=1 removes it)\n`);
  for (const c of r.changes) process.stdout.write(`  ${c.action.padEnd(9)} ${c.file}${c.note ? `: ${c.note}` : ''}\n`);
  const any = r.changes.some((c) => c.action !== 'unchanged');
  const out = (line: string) => process.stdout.write(`${hint(line)}\n`);
  // With nothing changed in the files but a commit made (init's files were uncommitted), the commit says it all.
  if (any || !r.commit) {
    if (opts.remove) out(any ? `took the kit's block out of ${loc.main}` : `${loc.main} has no block of the kit's to take out; nothing changed`);
    else out(any ? `initialised ${loc.main}` : `${loc.main} was already initialised; nothing changed`);
  }
  const made = opts.remove ? "new copies are made without the kit's block" : 'new copies have the rules and the config';
  if (r.commit) out(`committed ${r.commit.slice(0, 12)} on the current branch: ${made}. Next: make new-session name=NAME component=COMPONENT`);
  else if (r.uncommitted.length) {
    const files = r.uncommitted.map(shellQuote).join(' ');
    if (opts.remove) out(`the current branch still has the kit's block until this is committed: make init remove=1 commit=1 commits ${files} and nothing else`);
    else out(`new copies get these files only once they are committed (agents read CLAUDE.md in their copy): make init commit=1 commits ${files} and nothing else`);
  } else out('Next: make new-session name=NAME component=COMPONENT');
});
