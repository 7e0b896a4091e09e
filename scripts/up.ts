// make up plan=FILE [wait=1 timeout=SECONDS json=1 repo=PATH], or make up workspace=W (a workspace's plan state as it is)
import { runCommand } from './lib/cli/run.ts';
import { printJson } from './lib/cli/output.ts';
import { paint, renderTable } from './lib/cli/table.ts';
import { printable, writeNotice } from './lib/cli/terminal.ts';
import { catchInterrupts } from './lib/cli/interrupt.ts';
import { loadContext } from './lib/config/context.ts';
import { OperationError, UsageError } from './lib/core/errors.mjs';
import { watcherNotifier } from './lib/notify/watch.ts';
import type { Verdict } from './lib/notify/decide.ts';
import type { Backend } from './lib/notify/send.ts';
import { orchestrate } from './lib/plans/orchestrate.ts';
import { readPlanState, type PlanState } from './lib/plans/state.ts';
import { ensureOrchestrator, planStarter } from './lib/plans/start.ts';
import { upPlan } from './lib/plans/up.ts';
import { checkId } from './lib/tracker/locate.ts';

const OUTCOME_COLOR = { completed: 'green', failed: 'red', blocked: 'yellow' } as const;

function summary(state: PlanState): string {
  const rows = state.sessions.map((e) => [e.name, e.after.join(',') || '-', e.interactive ? 'interactive' : 'headless', e.outcome ? paint(OUTCOME_COLOR[e.outcome], e.outcome) : e.started_at ? 'running' : 'waiting', printable(e.reason ?? '')]);
  return renderTable(['SESSION', 'AFTER', 'RUNS', 'OUTCOME', 'REASON'], rows);
}

void runCommand('up', async (opts, { env, hint }) => {
  if (!opts.plan && !opts.workspace) throw new UsageError('plan=FILE is required (or workspace=W to go on with that workspace\'s plan), e.g. make up plan=plan.yaml');
  if (opts.timeout !== undefined && !opts.wait) throw new UsageError('timeout= goes with wait=1');
  if (opts.workspace) checkId('workspace', opts.workspace);
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
  const say = (line: string) => !opts.json && process.stderr.write(`up: ${line}\n`);
  let workspace = opts.workspace as string;
  if (opts.plan) {
    const r = await upPlan(ctx, opts.plan, { onStep: (t) => say(t) });
    workspace = r.workspace;
    if (r.existing.length) say(`already made: ${r.existing.join(', ')}`);
  } else if (!readPlanState(ctx.root, workspace).sessions.length) throw new UsageError(`workspace '${workspace}' has no plan; make up plan=FILE makes one`);

  if (!opts.wait) {
    const state = readPlanState(ctx.root, workspace);
    say(await ensureOrchestrator(ctx, workspace));
    if (opts.json) return printJson(readPlanState(ctx.root, workspace));
    process.stdout.write(`${hint(`plan '${workspace}': ${state.sessions.length} sessions; watch them with make monitor workspace=${workspace} watch=1`)}\n`);
    return 0;
  }

  const abort = new AbortController();
  catchInterrupts(() => abort.abort());
  // Nowhere to send is said in full once; then in a word per event.
  let nowhere = false;
  const told = (v: Verdict, backend: Backend | null) => {
    if (backend !== 'none') return `notified: ${v.event.session} ${v.event.event}${backend ? ` (${backend})` : ` (not sent: ${v.sent ? '' : v.why})`}`;
    const first = !nowhere;
    nowhere = true;
    return `not notified: ${v.event.session} ${v.event.event}${first ? ' (no notify-send, no terminal; set notify.command in parallel.config.yaml)' : ''}`;
  };
  const notifier = watcherNotifier(ctx.root, ctx.config.notify, { platform: process.platform, env, terminal: writeNotice }, { onVerdict: (v, backend) => say(told(v, backend)) });
  const result = await orchestrate({
    root: ctx.root,
    workspace,
    starter: planStarter(ctx, workspace),
    watchers: [notifier],
    timeoutS: opts.timeout,
    signal: abort.signal,
    onEvent: say,
  });
  if (result.busy) throw new OperationError(`another orchestrator (pid ${result.busy.pid} on ${result.busy.host}) runs the plan of workspace '${workspace}'; make monitor workspace=${workspace} watch=1 follows it`);
  if (opts.json) printJson(result.state);
  else process.stdout.write(`${summary(result.state)}\n`);
  if (result.code === 124) say(`timed out after ${opts.timeout}s; the sessions go on (make up workspace=${workspace} wait=1 waits again)`);
  return result.code;
});
