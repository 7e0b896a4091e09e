// A hint names a kit command; the kit writes it the way it works where its reader is. In a folder whose
// makefile holds the kit's block, that is the project's own make (`make sync name=x`, or `make kit-sync`
// where the project has a `sync` of its own); anywhere else, the kit's own front door, bin/kit. The
// library writes hints in the canonical form `make <command> ...`; the command line rewrites them here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realOr } from '../core/files.ts';
import { shellQuote } from '../core/shell.ts';
import { findBlock, pointerFile } from './block.ts';
import { projectMakefile, projectTargets } from './targets.ts';

export type CommandForm =
  /** The project's own make; `own` holds its targets, which the kit's commands of that name give way to. */
  | { kind: 'make'; own: ReadonlySet<string>; repo?: string }
  /** bin/kit, written as `prefix` (`"$PARALLEL_KIT/bin/kit"`, or the kit's path). */
  | { kind: 'kit'; prefix: string; repo?: string };

const real = realOr;

/** bin/kit as the reader can type it: through PARALLEL_KIT when their environment has it, else its path. */
export function kitForm(env: NodeJS.ProcessEnv, kitDir: string): CommandForm {
  const viaEnv = env.PARALLEL_KIT && real(env.PARALLEL_KIT) === real(kitDir);
  return { kind: 'kit', prefix: viaEnv ? '"$PARALLEL_KIT/bin/kit"' : shellQuote(join(kitDir, 'bin', 'kit')) };
}

/**
 * The form for a reader in `folder` whose environment is `env`. A make run through a project's block
 * says which folder it ran in and which of the kit's names the project keeps (PARALLEL_KIT_FRONT,
 * PARALLEL_KIT_OWN); otherwise the folder's makefile is read.
 */
export function formFor(folder: string, env: NodeJS.ProcessEnv, kitDir: string): CommandForm {
  const makefile = projectMakefile(folder);
  let text = '';
  try {
    text = makefile ? readFileSync(makefile, 'utf8') : '';
  } catch {
    text = '';
  }
  // The make that ran this command knows the project's own targets best, while its block is still there
  // (make init remove=1 may just have taken it out).
  if (env.PARALLEL_KIT_FRONT && real(env.PARALLEL_KIT_FRONT) === real(folder) && findBlock(text)) {
    return { kind: 'make', own: new Set((env.PARALLEL_KIT_OWN ?? '').split(/\s+/).filter(Boolean)) };
  }
  const pointer = pointerFile(env);
  const findsKit = Boolean(env.PARALLEL_KIT) || Boolean(pointer && existsSync(pointer));
  if (makefile && findBlock(text) && findsKit) return { kind: 'make', own: projectTargets(makefile) };
  return kitForm(env, kitDir);
}

/** `command args` written in a form: `make sync name=x`, `make kit-sync name=x`, `"$PARALLEL_KIT/bin/kit" sync name=x`. */
export function commandLine(form: CommandForm, command: string, args = ''): string {
  const rest = `${form.repo ? ` repo=${shellQuote(form.repo)}` : ''}${args ? ` ${args}` : ''}`;
  if (form.kind === 'kit') return `${form.prefix} ${command}${rest}`;
  return `make ${form.own.has(command) ? `kit-${command}` : command}${rest}`;
}

/** The form with `repo=PATH` in every command, for a reader outside the repository the command worked on. */
export function withRepo(form: CommandForm, repo: string | undefined): CommandForm {
  return repo ? { ...form, repo } : form;
}

/** Rewrites every canonical `make <command>` of the kit in a text into the form. */
export function rewriteHints(text: string, form: CommandForm, commands: readonly string[]): string {
  if (form.kind === 'make' && !form.repo && !commands.some((c) => form.own.has(c))) return text;
  const names = [...commands].sort((a, b) => b.length - a.length).map((c) => c.replace(/[-]/g, '\\-'));
  const re = new RegExp(`\\bmake (${names.join('|')})(?![\\w-])`, 'g');
  return text.replace(re, (_, command: string) => commandLine(form, command));
}
