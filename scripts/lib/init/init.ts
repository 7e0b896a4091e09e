// `make init`: a starter config, the .gitignore entry, WORK_LOG.md and a CLAUDE.md section; idempotent.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CONFIG_FILE, parseConfigText } from '../config/config.ts';
import { writeFileAtomic } from '../core/files.ts';
import { defaultBranch } from '../git/repo.ts';
import { WORKLOG_HEADER } from '../worklog/entries.ts';
import { componentsOf, componentsYaml } from './components.ts';

export const CLAUDE_BEGIN = '<!-- parallel-kit:begin -->';
export const CLAUDE_END = '<!-- parallel-kit:end -->';
export const CLAUDE_SECTION = `${CLAUDE_BEGIN}
## Parallel sessions

Several AI sessions work on this repository at once, each in its own copy and branch.

- Start work with \`make new-session name=NAME component=COMPONENT\` and work only in the copy it prints.
- Load the session's environment (\`set -a; . ./.parallel-session.env; set +a\`): \`$PORT\` is yours alone.
- Stay inside your component's paths (see parallel.config.yaml); \`make conflicts\` shows overlaps.
- Report progress from your copy: \`node "$PARALLEL_KIT/dist/track.mjs" event=heartbeat progress=N message='...'\`
  (the same as \`make track\`); \`make monitor\` shows everyone.
- Keep your WORK_LOG.md entry's checklist current in the main checkout (\`$PARALLEL_MAIN/WORK_LOG.md\`,
  not your copy's); the kit updates its Status line.
- Before merging: \`make sync name=NAME\`, then \`make finish-session name=NAME\`.
- Never remove another session's copy; \`make end-session\` refuses when work would be lost.
${CLAUDE_END}
`;

export async function starterConfig(main: string): Promise<string> {
  const base = await defaultBranch(main);
  const comps = componentsYaml(await componentsOf(main));
  return `# Parallel sessions kit: see the kit's README for every key.
base: ${base}
workspace: sessions
worktree_root: ../{repo}-sessions   # {repo} = ${basename(main)}
mode: worktree                      # worktree | clone | branch
ports: { range: 8001-8099, env: [PORT] }
profiles: {}
components:
${comps}
copy: [.env]                        # untracked files copied into each new copy (also: .worktreeinclude)
setup: ""                           # run in each new copy, e.g. npm ci
test: ""                            # run by finish-session before pushing
`;
}

export interface InitChange {
  file: string;
  action: 'created' | 'updated' | 'unchanged';
}

function upsert(path: string, next: (current: string | null) => string | null): InitChange['action'] {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  const wanted = next(current);
  if (wanted === null || wanted === current) return 'unchanged';
  writeFileAtomic(path, wanted);
  return current === null ? 'created' : 'updated';
}

export async function initRepo(main: string): Promise<InitChange[]> {
  const changes: InitChange[] = [];
  const starter = existsSync(join(main, CONFIG_FILE)) ? null : await starterConfig(main);
  if (starter) parseConfigText(starter, CONFIG_FILE); // never write a config the kit itself would reject
  changes.push({ file: CONFIG_FILE, action: upsert(join(main, CONFIG_FILE), (cur) => cur ?? starter) });
  changes.push({
    file: '.gitignore',
    action: upsert(join(main, '.gitignore'), (cur) => {
      const lines = (cur ?? '').split('\n').map((l) => l.trim());
      const missing = ['.parallel/', '.parallel-session.env'].filter((p) => !lines.includes(p) && !lines.includes(`/${p}`));
      if (!missing.length) return cur;
      const sep = cur && !cur.endsWith('\n') ? '\n' : '';
      return `${cur ?? ''}${sep}${missing.join('\n')}\n`;
    }),
  });
  changes.push({ file: 'WORK_LOG.md', action: upsert(join(main, 'WORK_LOG.md'), (cur) => cur ?? WORKLOG_HEADER) });
  changes.push({
    file: 'CLAUDE.md',
    action: upsert(join(main, 'CLAUDE.md'), (cur) => {
      if (cur === null) return `# CLAUDE.md\n\n${CLAUDE_SECTION}`;
      if (cur.includes(CLAUDE_BEGIN)) return cur;
      return `${cur}${cur.endsWith('\n') ? '' : '\n'}\n${CLAUDE_SECTION}`;
    }),
  });
  return changes;
}
