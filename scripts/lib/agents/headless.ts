// A session's agent run headless with a prompt (a plan's session, make up): the session's own launch
// command (agent_argv, with the kit's hooks) plus each agent's one-shot words. The final answer is on stdout.
//   claude    claude -p PROMPT --permission-mode acceptEdits ...   (nobody is there to answer a question)
//   codex     codex exec -c approval_policy="never" ... PROMPT
//   gemini    gemini -p PROMPT --approval-mode auto_edit ...
//   opencode  opencode run ... PROMPT
//   aider     aider --message PROMPT --yes-always ...
//   custom    its command as it is, the prompt in PARALLEL_PROMPT (as make launch gives it)
import type { LaunchKind } from '../config/config.ts';

/** Where the program's own words start: after a leading `env VAR=value ...`. */
function programAt(argv: readonly string[]): number {
  if (argv[0] !== 'env') return 0;
  let i = 1;
  while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i] as string)) i++;
  return i;
}

/** The headless form of a launch command; the prompt is one word of its own, never part of a shell line. */
export function headlessArgv(kind: LaunchKind, argv: readonly string[], prompt: string): string[] {
  const at = programAt(argv);
  const head = argv.slice(0, at + 1);
  const rest = argv.slice(at + 1);
  switch (kind) {
    case 'claude':
      return [...head, '-p', prompt, '--permission-mode', 'acceptEdits', ...rest];
    case 'codex':
      return [...head, 'exec', '-c', 'approval_policy="never"', ...rest, '--', prompt];
    case 'gemini':
      return [...head, '-p', prompt, '--approval-mode', 'auto_edit', ...rest];
    case 'opencode':
      return [...head, 'run', ...rest, '--', prompt];
    case 'aider':
      return [...head, '--message', prompt, '--yes-always', ...rest];
    case 'custom':
      return argv[0] === 'env' ? ['env', `PARALLEL_PROMPT=${prompt}`, ...argv.slice(1)] : ['env', `PARALLEL_PROMPT=${prompt}`, ...argv];
  }
}
