// The one place that turns a command's outcome into an exit code: its options read and checked first,
// then errors mapped to one line on stderr (2 bad usage, 1 failed operation), a stack only with DEBUG=1.
import { existsSync } from 'node:fs';
import { KitError } from '../core/errors.mjs';
import { realOr } from '../core/files.ts';
import { KIT_DIR } from '../core/kit-dir.ts';
import { restoreCaCerts } from '../core/kit-node.ts';
import { isInside } from '../core/paths.ts';
import { formFor, rewriteHints, withRepo, type CommandForm } from '../front/hints.ts';
import { COMMANDS, findCommand, type Command, type CommandName } from './commands.mjs';
import { folderChangedByMake, makeEnvironment, makeVariables, readOptions, type Options, type OptionsOf } from './options.ts';
import { decideColor, useColor } from './table.ts';
import { guardOutput } from './terminal.ts';

/** How make hands its command line to a recipe's programs: the kit reads it once and passes it on to none. */
const MAKE_VARIABLES = ['MAKEFLAGS', 'MFLAGS', 'GNUMAKEFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'MAKEFILES'];

/** What a command's main gets besides its options. */
export interface Invocation {
  /** The process environment with make's upper-case command-line variables (NO_COLOR=1, DEBUG=1) on top. */
  env: NodeJS.ProcessEnv;
  /** Whether stdout gets colour; paint already follows it. */
  color: boolean;
  /** The text with each canonical `make <command>` written the way it works where the user is. */
  hint: (text: string) => string;
  /** The same for a reader in another folder (a session's copy) with more environment (its env file). */
  hintFor: (folder: string, env?: NodeJS.ProcessEnv) => (text: string) => string;
}

const NAMES = COMMANDS.map((c) => c.name);
const real = realOr;

/** Where the user is: the current folder, except under `make -C`, where the shell's PWD still says. */
function readerFolder(cwd: string, env: NodeJS.ProcessEnv): string {
  return env.PWD && existsSync(env.PWD) && folderChangedByMake(cwd, env) ? env.PWD : cwd;
}

function hintsFor(env: NodeJS.ProcessEnv, folder: string, repo: () => string | undefined) {
  let here: CommandForm | undefined;
  const formHere = () => {
    if (here) return here;
    const r = repo();
    const away = r !== undefined && !isInside(real(r), real(folder));
    here = withRepo(formFor(folder, env, KIT_DIR), away ? real(r) : undefined);
    return here;
  };
  return {
    hint: (text: string) => rewriteHints(text, formHere(), NAMES),
    hintFor: (folder: string, more: NodeJS.ProcessEnv = {}) => {
      const form = formFor(folder, { ...env, ...more }, KIT_DIR);
      return (text: string) => rewriteHints(text, form, NAMES);
    },
  };
}

/** The parsed options of a command of the registry. */
export type CommandOptions<N extends CommandName> = Options<Extract<Command, { name: N }>['options']>;

type OptionsFor<C> = C extends CommandName ? CommandOptions<C> : C extends OptionsOf ? Options<C['options']> : never;

/**
 * Runs a command script: `command` names its entry in the registry (dev scripts outside the registry
 * pass the same shape themselves). The return value of main is the exit code (default 0).
 */
export async function runCommand<const C extends CommandName | OptionsOf>(
  command: C,
  main: (options: OptionsFor<C>, invocation: Invocation) => Promise<number | void>,
  argv: readonly string[] = process.argv.slice(2),
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  restoreCaCerts(processEnv);
  const spec: OptionsOf | undefined = typeof command === 'string' ? findCommand(command) : command;
  const label = typeof command === 'string' ? command : command.name;
  const env = { ...processEnv, ...makeEnvironment(processEnv.MAKEFLAGS) };
  // The command's own key=value options, which make also exports: read once, inherited by no agent or setup command.
  for (const [k] of makeVariables(processEnv.MAKEFLAGS ?? '')) if (/^[a-z][a-z0-9_]*$/.test(k) && env[k] !== undefined) delete env[k];
  for (const k of MAKE_VARIABLES) delete env[k];
  guardOutput();
  const color = useColor(process.stdout, env);
  decideColor(color);
  // `make ports | head -3`: the reader went away; stop quietly instead of a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  let repo: string | undefined;
  // Read before make's variables (MAKELEVEL) leave the environment.
  const hints = hintsFor(env, readerFolder(process.cwd(), processEnv), () => repo);
  try {
    if (!spec) throw new KitError(`${label} is not in the command registry (scripts/lib/cli/commands.mjs)`);
    const { options } = readOptions(spec, argv, processEnv);
    const given = (options as { repo?: unknown }).repo;
    if (typeof given === 'string' && given) repo = given;
    // Read: nothing the command runs (git, setup, test, a project's own make) may inherit make's variables.
    for (const k of MAKE_VARIABLES) delete processEnv[k];
    process.exitCode = (await main(options as OptionsFor<C>, { env, color, ...hints })) ?? 0;
  } catch (err) {
    if (err instanceof KitError) {
      process.stderr.write(`${label}: ${hints.hint(err.message)}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`${label}: unexpected error: ${(err as Error)?.message ?? String(err)} (run with DEBUG=1 for details)\n`);
      process.exitCode = 1;
    }
    if (env.DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
}
