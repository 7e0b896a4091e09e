// What a watcher holds: observe every snapshot's views, send what the shared memory says to send.
import type { NotifyConfig } from '../config/config.ts';
import type { SessionView } from '../monitor/monitor.ts';
import { keyOf, type Verdict } from './decide.ts';
import { observe } from './memory.ts';
import { sendNotification, type Backend, type SendOptions } from './send.ts';

export interface NotifierOptions extends SendOptions {
  root: string;
  config: NotifyConfig;
  /** The sessions (`<workspace>/<session>`) whose tmux window a person is looking at: no notification for them. */
  focused?: (views: readonly SessionView[]) => Promise<ReadonlySet<string>>;
  now?: () => number;
  /** Each verdict, with the backend that sent it (for the watcher's log). */
  onVerdict?: (v: Verdict, backend: Backend | null) => void;
}

export class Notifier {
  constructor(private readonly opts: NotifierOptions) {}

  async observe(views: SessionView[]): Promise<void> {
    const o = this.opts;
    const looked = o.focused ? await o.focused(views) : new Set<string>();
    const verdicts = await observe(o.root, views, o.config, (o.now ?? Date.now)(), (v) => looked.has(keyOf(v)));
    for (const v of verdicts) {
      // Sent whether or not anyone listens to the verdicts (`o.onVerdict?.(v, await ...)` would skip the send).
      const backend = v.sent ? await sendNotification(v.event, o.config, o) : null;
      o.onVerdict?.(v, backend);
    }
  }
}
