// make demo [keep=1]: the kit's main job on a built-in sample, start to finish, then cleaned away.
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { OperationError } from './lib/core/errors.mjs';
import { cleanUp, DEMO_WORKERS, makeDemoDir, makeSampleRepo, newDemoSession, runKitCommand, startWorker, unexpectedEndings } from './lib/dev/demo.ts';

void runCommand('demo', async (opts) => {
  const keep = opts.keep;
  const say = (text: string) => process.stdout.write(`${text}\n`);
  const demo = makeDemoDir();
  const interrupt = () => {
    cleanUp(demo, keep);
    process.stderr.write(`\ndemo: interrupted; ${keep ? `kept ${demo.dir}` : `removed ${demo.dir}`}\n`);
    process.exit(130);
  };
  process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  try {
    say(paint('bold', `1. A sample repository with three components: ${demo.repo}`));
    await makeSampleRepo(demo);
    say(paint('bold', '2. One session per component, made by make new-session'));
    const paths: string[] = [];
    for (const w of DEMO_WORKERS) {
      const s = await newDemoSession(demo, w);
      paths.push(s.path);
      say(`   make new-session name=${w.name} component=${w.component}  ->  branch ${s.branch}, port ${s.port}, worktree ${s.path}`);
    }
    say(paint('bold', '3. Three simulated workers report from their worktrees with the tracker command (server completes, ui fails, docs finishes last)'));
    say(paint('bold', '4. make monitor wait=1 watch=1 follows them until all have ended'));
    DEMO_WORKERS.forEach((w, i) => startWorker(demo, w, paths[i] as string));
    const code = await runKitCommand(demo, 'monitor', { wait: '1', watch: '1', poll: '5', timeout: '60' });
    say(paint('bold', `5. make monitor wait=1 exited ${code} (1: not every session completed). The failed session's log (make monitor session=ui log=1):`));
    await runKitCommand(demo, 'monitor', { session: 'ui', log: '1' });
    const wrong = unexpectedEndings(demo);
    if (wrong.length) throw new OperationError(`the demo did not run as designed: ${wrong.join('; ')}`);
    if (code !== 1) throw new OperationError(`make monitor wait=1 exited ${code}; expected 1 because ui fails by design`);
    say(paint('green', 'The demo ran as designed: server completed, ui failed (on purpose), docs completed.'));
  } finally {
    cleanUp(demo, keep);
    say(keep ? `Kept ${demo.dir} (keep=1); remove it when done.` : `Removed ${demo.dir}.`);
  }
});
