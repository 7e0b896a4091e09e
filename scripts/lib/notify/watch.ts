// A watcher's notifier (the plan's orchestrator, make monitor watch=1 notify=1): the repository's notify:
// config (the defaults when the state folder is not a repository's, or its config cannot be read), and
// the tmux windows of launched sessions, to leave out the one a person is looking at.
import { DEFAULT_NOTIFY, loadConfig, type NotifyConfig } from '../config/config.ts';
import type { SessionView } from '../monitor/monitor.ts';
import { windowsOf } from '../launch/windows.ts';
import { findMainCheckout } from '../tracker/locate.ts';
import { keyOf } from './decide.ts';
import { Notifier, type NotifierOptions } from './notifier.ts';
import type { SendOptions } from './send.ts';

/** The sessions whose window is focused: the active window of its tmux session, with a client attached. */
export function focusedWindows(root: string, env: NodeJS.ProcessEnv): (views: readonly SessionView[]) => Promise<ReadonlySet<string>> {
  return async (views) => {
    const windows = await windowsOf(root, views.map((v) => ({ workspace: v.workspace, session: v.session_id })), env);
    return new Set(views.map(keyOf).filter((k) => windows.get(k)?.focused));
  };
}

export function watcherNotifier(root: string, config: NotifyConfig, send: SendOptions, more: Partial<NotifierOptions> = {}): Notifier {
  return new Notifier({ root, config, focused: focusedWindows(root, send.env), ...send, ...more });
}

export async function watchNotifier(root: string, folder: string, send: SendOptions, onVerdict?: NotifierOptions['onVerdict']): Promise<Notifier> {
  let config: NotifyConfig = DEFAULT_NOTIFY;
  const main = findMainCheckout(folder);
  if (main) config = await loadConfig(main).then((c) => c.notify, () => DEFAULT_NOTIFY);
  return watcherNotifier(root, config, send, { onVerdict });
}
