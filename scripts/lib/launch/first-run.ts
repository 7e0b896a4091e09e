// The first-run question a new copy raises, when the kit can tell before the agent starts: a folder the
// agent has not been told to trust. The kit never answers it (only a setting the user made does: their
// agent's own trust entry, or Gemini's per-run variable in the kit's launch command); it says so, so the
// session shows waiting_input instead of running while nobody answers. docs/launch.md lists per agent.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The folder and its parents, nearest first. */
function upward(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/** Claude Code: `projects[<folder or a parent>].hasTrustDialogAccepted` in its .claude.json. */
function claudeTrusts(cwd: string, env: NodeJS.ProcessEnv): boolean | null {
  const file = env.CLAUDE_CONFIG_DIR ? join(env.CLAUDE_CONFIG_DIR, '.claude.json') : env.HOME ? join(env.HOME, '.claude.json') : null;
  const text = file ? read(file) : null;
  if (text === null) return false;
  try {
    const projects = (JSON.parse(text) as { projects?: Record<string, { hasTrustDialogAccepted?: unknown }> }).projects ?? {};
    return upward(cwd).some((d) => projects[d]?.hasTrustDialogAccepted === true);
  } catch {
    return null; // unreadable: say nothing
  }
}

/** Codex: a `[projects."<folder>"]` table with `trust_level = "trusted"` in its config.toml. */
function codexTrusts(cwd: string, env: NodeJS.ProcessEnv): boolean | null {
  const home = env.CODEX_HOME || (env.HOME ? join(env.HOME, '.codex') : null);
  const text = home ? read(join(home, 'config.toml')) : null;
  if (text === null) return false;
  return upward(cwd).some((d) => {
    const at = text.indexOf(`[projects.${JSON.stringify(d)}]`);
    if (at < 0) return false;
    const table = text.slice(at).split(/\n\[/)[0] ?? '';
    return /^\s*trust_level\s*=\s*"trusted"\s*$/m.test(table);
  });
}

/** What the agent will ask before it starts working in `cwd`, or null when nothing (or the kit cannot tell). */
export function firstRunQuestion(kind: string, cwd: string, env: NodeJS.ProcessEnv): string | null {
  const trusts = kind === 'claude' ? claudeTrusts(cwd, env) : kind === 'codex' ? codexTrusts(cwd, env) : null;
  if (trusts !== false) return null;
  return `${kind === 'claude' ? 'Claude Code' : 'Codex'} asks whether to trust ${cwd} before it starts: answer in its window`;
}
