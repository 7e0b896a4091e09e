// An agent that keeps working while the kit runs git: a `git` wrapper, first on PATH for one make run
// only, that performs the agent's action at an exact moment of the kit's git calls, then runs real git.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/repo.ts';

const REAL_GIT = execFileSync('/bin/sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** When the agent acts, relative to the kit's git calls. */
export type Moment =
  /** After a `git <verb>` of the kit failed (a rebase or merge that stopped), before the kit's next git call. */
  | { afterFailed: 'rebase' | 'merge' }
  /** While a `git <verb>` of the kit is under way: before it starts (`before`) or once it has run (`after`). */
  | { during: string; with?: string; at: 'before' | 'after' };

export interface AgentAction {
  /** Files the agent saves (absolute path: content). */
  write?: Record<string, string>;
  /** Shell commands the agent runs (in the folder given), with the real git as "$GIT". */
  run?: { cwd: string; sh: string }[];
}

export interface Agent {
  /** The environment to pass to make: PATH with the wrapper first. */
  env: NodeJS.ProcessEnv;
  /** True once the agent has acted. */
  acted: () => boolean;
  /** A file the agent's commands may write to ("$OUT" in their shell). */
  out: string;
  readOut: () => string;
}

export function agentGit(moment: Moment, action: AgentAction): Agent {
  const dir = tempDir('kit-agent-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const out = join(dir, 'out');
  const lines: string[] = [];
  let n = 0;
  for (const [path, text] of Object.entries(action.write ?? {})) {
    const src = join(dir, `src-${n++}`);
    writeFileSync(src, text);
    lines.push(`mkdir -p "$(dirname ${q(path)})" && cp ${q(src)} ${q(path)}`);
  }
  for (const c of action.run ?? []) lines.push(`(cd ${q(c.cwd)} && GIT="$REAL" OUT=${q(out)} /bin/sh -c ${q(c.sh)})`);
  const act = [`touch ${q(join(dir, 'acted'))}`, ...lines].join('\n  ');
  const acted = join(dir, 'acted');
  const failed = join(dir, 'failed');

  const trigger =
    'afterFailed' in moment
      ? `if [ ! -e ${q(failed)} ] && [ "$sub" = ${q(moment.afterFailed)} ]; then
  "$REAL" "$@"; code=$?
  [ $code -ne 0 ] && touch ${q(failed)}
  exit $code
fi
if [ -e ${q(failed)} ] && [ ! -e ${q(acted)} ]; then
  ${act}
fi`
      : `if [ ! -e ${q(acted)} ] && [ "$sub" = ${q(moment.during)} ] && ${moment.with ? `has ${q(moment.with)} "$@"` : 'true'}; then
  ${moment.at === 'before' ? `${act}\n  exec "$REAL" "$@"` : `"$REAL" "$@"; code=$?\n  ${act}\n  exit $code`}
fi`;

  const script = `#!/bin/sh
REAL=${q(REAL_GIT)}
has() { want=$1; shift; for a in "$@"; do case "$a" in *"$want"*) return 0;; esac; done; return 1; }
sub=; skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case "$a" in -c|-C) skip=1;; -*) ;; *) sub=$a; break;; esac
done
${trigger}
exec "$REAL" "$@"
`;
  writeFileSync(join(bin, 'git'), script);
  chmodSync(join(bin, 'git'), 0o755);
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    acted: () => existsSync(acted),
    out,
    readOut: () => (existsSync(out) ? readFileSync(out, 'utf8') : ''),
  };
}
