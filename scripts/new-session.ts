// make new-session name=NAME component=C [kind= base= mode= profile= shared=1 agent= share=1 takeover=1 offline=1 launch=1 prompt= after=A,B json=1 repo=PATH]
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { KIT_DIR } from './lib/core/kit-dir.ts';
import { shellQuote } from './lib/core/shell.ts';
import { createSession } from './lib/session/create.ts';
import { claimWords } from './lib/share/session.ts';
import { catchInterrupts, interrupted } from './lib/cli/interrupt.ts';
import { startFiller } from './lib/warm/spawn.ts';
import { errorMessage, OperationError, UsageError } from './lib/core/errors.mjs';
import type { LaunchResult } from './lib/launch/launch.ts';

// Loaded only by a new-session that launches its agent or waits for others (most do neither).
const launching = () => Promise.all([import('./lib/launch/launch.ts'), import('./lib/launch/render.ts'), import('./lib/launch/agent.ts')]);
const planning = () => Promise.all([import('./lib/plans/after.ts'), import('./lib/plans/start.ts')]);

void runCommand('new-session', async (opts, { env, hint, hintFor }) => {
  const json = opts.json;
  const shared = opts.shared;
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env, interrupted, workspace: opts.workspace });
  if (opts.prompt !== undefined && !opts.launch) throw new UsageError('prompt= goes with launch=1 (or make launch name=NAME prompt=...)');
  if (opts.after !== undefined && !opts.launch) throw new UsageError('after= launches the session when those complete: add launch=1');
  const launch = opts.launch ? await launching() : null;
  if (launch) {
    await launch[0].requireTmux(env);
    launch[2].requireAgent(ctx.config, opts.agent);
  }
  const plans = opts.after !== undefined ? await planning() : null;
  const after = plans ? plans[0].checkAfter(ctx, opts.name, opts.after) : [];
  catchInterrupts(() => process.stderr.write('new-session: interrupted; undoing what was done so far...\n'));
  const result = await createSession(
    ctx,
    { name: opts.name, component: opts.component, kind: opts.kind, base: opts.base, mode: opts.mode, profile: opts.profile, shared, agent: opts.agent, share: opts.share, takeover: opts.takeover, offline: opts.offline },
    { onStep: (t) => !json && process.stderr.write(`  ${t}...\n`), setupOutput: json ? 'capture' : 'inherit' },
  );
  const r = result.record;
  startFiller(ctx);
  let launched: LaunchResult | null = null;
  if (plans && after.length) {
    await plans[0].recordAfter(ctx, r, after, opts.prompt ?? '');
    process.stderr.write(`new-session: ${r.name} starts when ${after.join(', ')} completed; ${await plans[1].ensureOrchestrator(ctx, ctx.config.workspace)}\n`);
  } else if (launch) {
    try {
      launched = await launch[0].launchSession(ctx, { name: r.name, prompt: opts.prompt });
    } catch (err) {
      throw new OperationError(`session ${r.name} is ready, but its launch failed: ${errorMessage(err)}`);
    }
  }
  if (json) {
    const a = result.agent;
    printJson({ ...r, agent: r.agent ?? null, agent_command: r.agent_command ?? null, agent_kind: a?.kind ?? null, agent_argv: a?.argv ?? null, agent_files: a?.files ?? [], guard_file: result.guardFile, env_file: result.envFile, env: result.env, warnings: result.warnings, share: result.share, ...(opts.launch ? { launch: launched } : {}) });
    return;
  }
  const where = r.path ?? `(branch only, no copy)`;
  for (const w of result.warnings) process.stderr.write(`new-session: warning: ${hint(w)}\n`);
  // The commands below are typed in the copy, with its environment loaded (which sets PARALLEL_KIT).
  const inCopy = hintFor(r.path ?? process.cwd(), { PARALLEL_KIT: KIT_DIR });
  const load = r.path ? `cd ${shellQuote(r.path)} && set -a && . ./.parallel-session.env && set +a` : `set -a && . ${shellQuote(result.envFile)} && set +a`;
  const lines = [
    `${paint('green', '✓')} session ${paint('bold', r.name)} is ready`,
    `  branch     ${r.branch} (from ${r.base})`,
    `  ${r.mode === 'clone' ? 'clone   ' : r.mode === 'branch' ? 'mode    ' : 'worktree'}   ${where}`,
    `  port       ${r.port} (${Object.keys(result.env).filter((k) => result.env[k] === String(r.port)).join(', ')})`,
    `  component  ${r.component}${r.shared ? ' (shared)' : ''}${claimWords(result.share)}`,
    ...(result.copied.length ? [`  copied     ${result.copied.join(', ')}`] : []),
    `  env file   ${result.envFile}`,
    '',
    `Load its environment:  ${load}`,
    ...(launched && launch ? ['', ...launch[1].launchedLines(launched)] : result.agent ? [`Start the agent:       ${result.agent.command}   (in the ${r.path ? 'copy' : 'main checkout'})`, `  or in tmux:          make launch name=${r.name}`] : []),
    inCopy(`Report progress:       make track event=heartbeat progress=50 message='...'   (in the copy)`),
    inCopy(`When it is done:       make finish-session name=${r.name}   (make sync name=${r.name} brings it onto the base first)`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});
