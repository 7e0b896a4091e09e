// make agent-setup agent=codex|claude|gemini|git [apply=1] [remove=1] [json=1] [repo=PATH]
// Without apply=1 it prints the change it would make and writes nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printJson } from './lib/cli/output.ts';
import { runCommand } from './lib/cli/run.ts';
import { UsageError } from './lib/core/errors.mjs';
import { KIT_DIR } from './lib/core/kit-dir.ts';
import { gitRaw, locateRepo } from './lib/git/repo.ts';
import { planBackstop } from './lib/agents/backstop.ts';
import { CLAUDE_SETTINGS, claudeFiles } from './lib/agents/install-claude.ts';
import { codexFiles, codexHome } from './lib/agents/install-codex.ts';
import { geminiFiles, geminiHome } from './lib/agents/install-gemini.ts';
import { planAdd, planRemove, previewChange, writeChanges, type FileChange, type ManagedFile } from './lib/agents/managed-file.ts';

const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : null);

void runCommand('agent-setup', async (opts, { env }) => {
  const remove = opts.remove;
  const plan = (m: ManagedFile) => (remove ? planRemove(m) : planAdd(m));
  let changes: FileChange[];
  let write: () => void;
  if (opts.agent === 'codex') {
    const home = codexHome(env);
    let hooksAfter: string | null = read(join(home, 'hooks.json'));
    const [hooks, config] = codexFiles(home, KIT_DIR, () => hooksAfter) as [ManagedFile, ManagedFile];
    const first = plan(hooks);
    if (!remove) hooksAfter = first.after;
    changes = [first, plan(config)];
    write = () => writeChanges(changes);
  } else if (opts.agent === 'gemini') {
    changes = geminiFiles(geminiHome(env), KIT_DIR).map(plan);
    write = () => writeChanges(changes);
  } else {
    const loc = await locateRepo(opts.repo ?? process.cwd());
    if (opts.agent === 'claude') {
      const exclude = read(join(loc.commonDir, 'info', 'exclude')) ?? '';
      const ignored = !remove && !exclude.includes('parallel-kit') && (await gitRaw(loc.main, ['check-ignore', '-q', '--', CLAUDE_SETTINGS])).code === 0;
      changes = claudeFiles(loc.main, loc.commonDir, KIT_DIR, ignored).map(plan);
      write = () => writeChanges(changes);
    } else if (opts.agent === 'git') {
      const p = await planBackstop(loc.main, loc.commonDir, KIT_DIR, remove);
      changes = p.changes;
      write = p.apply;
    } else throw new UsageError(`agent=${String(opts.agent)}: give codex, claude, gemini or git`);
  }
  const any = changes.some((c) => c.action !== 'unchanged');
  if (opts.apply && any) write();
  if (opts.json) return printJson({ agent: opts.agent, remove, applied: opts.apply && any, changes: changes.map((c) => ({ file: c.file, action: c.action, note: c.note ?? null, preview: previewChange(c) })) });
  for (const c of changes) process.stdout.write(`${previewChange(c)}\n`);
  const what = remove ? 'takes the kit\'s part out' : 'writes it';
  if (!any) process.stdout.write(remove ? 'nothing of the kit to take out\n' : 'already set up; nothing to change\n');
  else if (opts.apply) process.stdout.write(remove ? 'done: the kit\'s part is out\n' : `done: the kit's part is in (make agent-setup agent=${opts.agent} remove=1 apply=1 takes it out)\n`);
  else process.stdout.write(`nothing written: make agent-setup agent=${opts.agent}${remove ? ' remove=1' : ''} apply=1 ${what}\n`);
});
