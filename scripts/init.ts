// make init [repo=PATH json=1]
import { runCommand } from './lib/cli/run.ts';
import { printJson } from './lib/cli/output.ts';
import { initRepo } from './lib/init/init.ts';
import { locateRepo } from './lib/git/repo.ts';

await runCommand('init', async (opts) => {
  const loc = await locateRepo(opts.repo ?? process.cwd());
  const changes = await initRepo(loc.main);
  if (opts.json) return printJson({ repo: loc.main, changes });
  for (const c of changes) process.stdout.write(`  ${c.action.padEnd(9)} ${c.file}\n`);
  const any = changes.some((c) => c.action !== 'unchanged');
  process.stdout.write(any ? `initialised ${loc.main}; review parallel.config.yaml, then commit these files (new sessions start from the base branch, so their agents see CLAUDE.md only once it is committed), then: make new-session name=NAME component=COMPONENT\n` : `${loc.main} was already initialised; nothing changed\n`);
});
