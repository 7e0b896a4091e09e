// The notifier of make monitor watch=1 notify=1: the repository's notify: config (the defaults when the
// state folder is not a repository's, or its config cannot be read).
import { DEFAULT_NOTIFY, loadConfig, type NotifyConfig } from '../config/config.ts';
import { findMainCheckout } from '../tracker/locate.ts';
import { Notifier } from './notifier.ts';
import type { SendOptions } from './send.ts';

export async function watchNotifier(root: string, folder: string, send: SendOptions): Promise<Notifier> {
  let config: NotifyConfig = DEFAULT_NOTIFY;
  const main = findMainCheckout(folder);
  if (main) config = await loadConfig(main).then((c) => c.notify, () => DEFAULT_NOTIFY);
  return new Notifier({ root, config, ...send });
}
