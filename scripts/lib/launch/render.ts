// What a person reads after make launch (and new-session launch=1).
import { paint } from '../cli/table.ts';
import type { LaunchResult } from './launch.ts';

export function launchedLines(r: LaunchResult): string[] {
  return [
    `${paint('green', '✓')} ${paint('bold', r.agent)} runs for session ${paint('bold', r.session)} in tmux window ${r.window.target} (pid ${r.pid})`,
    `  folder     ${r.cwd}`,
    `See it:      make attach name=${r.session}`,
    `End it:      make stop name=${r.session}`,
  ];
}
