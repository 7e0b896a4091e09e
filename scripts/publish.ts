// make publish [loop=1 share=1 json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { OperationError } from './lib/core/errors.mjs';
import { publisherRound, runPublisher } from './lib/share/publisher.ts';
import { resolveSharing } from './lib/share/settings.ts';

void runCommand('publish', async (opts, { env }) => {
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
  if (opts.loop) {
    // The background publisher: detached, its output goes nowhere; a second one exits at once.
    let stop = false;
    process.on('SIGTERM', () => (stop = true)).on('SIGINT', () => (stop = true));
    await runPublisher(ctx, { stop: () => stop });
    return;
  }
  const { sharing, warning } = await resolveSharing(ctx, opts.share);
  if (!sharing) throw new OperationError(warning ?? 'sharing is off: set share: origin in parallel.config.yaml, or pass share=1');
  const done = await publisherRound(ctx, sharing, { wait: true, eager: true });
  if (opts.json) return printJson({ remote: sharing.remote, pushed: done.pushed, removed: done.removed, warnings: done.warnings });
  for (const w of done.warnings) process.stderr.write(`publish: warning: ${w}\n`);
  process.stdout.write(`published on ${sharing.remote}: ${done.pushed.length} session(s) pushed, ${done.removed.length} ref(s) removed\n`);
});
