// make doctor [name=NAME json=1 repo=PATH]: is each session's agent wired to the kit? (docs/agents.md)
// make doctor live=1 [agent=A json=1]: the installed agent run for real, offline, in a throwaway repository.
import { join } from 'node:path';
import { runCommand } from './lib/cli/run.ts';
import { paint } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';
import { loadContext } from './lib/config/context.ts';
import { UsageError } from './lib/core/errors.mjs';
import { writeFileAtomic } from './lib/core/files.ts';
import { withLock } from './lib/core/lock.mjs';
import { doctor } from './lib/agents/doctor.ts';
import { doctorLive, LIVE_AGENTS, liveBinary, type LiveAgent, type LiveDeps, type LiveResult } from './lib/agents/doctor-live.ts';
import { registryFile } from './lib/ports/registry.ts';
import { createSession } from './lib/session/create.ts';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The kit's session library for the live check (agents/ may not import session/ or ports/). */
function liveDeps(callerEnv: NodeJS.ProcessEnv): LiveDeps {
  const registry = registryFile(callerEnv);
  return {
    async newSession(repo, env, input) {
      const ctx = await loadContext(repo, { cwd: repo, env: { ...env, PARALLEL_PORT_REGISTRY: registry } });
      const r = await createSession(ctx, { ...input }, { setupOutput: 'capture' });
      return { argv: r.agent?.argv ?? null, copy: r.record.path ?? null, stateDir: join(ctx.root, ctx.config.workspace, input.name), root: ctx.root };
    },
    async forgetRoot(root) {
      if (!existsSync(registry)) return;
      const me = resolve(root);
      await withLock(`${registry}.lock`, async () => {
        const lines = readFileSync(registry, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
        const kept = lines.filter((l) => resolve(l) !== me);
        if (kept.length !== lines.length) writeFileAtomic(registry, kept.length ? `${kept.join('\n')}\n` : '');
      });
    },
  };
}

async function live(opts: { agent?: string; json?: boolean }, env: NodeJS.ProcessEnv): Promise<number> {
  const agents: LiveAgent[] = opts.agent ? [opts.agent as LiveAgent] : LIVE_AGENTS.filter((a) => liveBinary(a, env));
  if (!agents.length) {
    process.stdout.write(`no agent on PATH (${LIVE_AGENTS.join(', ')}): nothing to run; agent=A says why for one\n`);
    return 1;
  }
  const results: LiveResult[] = [];
  const print = opts.json ? () => undefined : (l: string) => process.stdout.write(`${l}\n`);
  for (const a of agents) {
    const r = await doctorLive(a, env, liveDeps(env), print);
    results.push(r);
    if (!opts.json) {
      if (!r.binary) process.stdout.write(`${a}: ${paint('red', 'NO ')} ${r.missing.join('; ')}\n`);
      else if (r.ok) process.stdout.write(`${a}: ${paint('green', 'ok')} events, states and the denied edit all seen; nothing left behind\n`);
      else process.stdout.write(`${a}: ${paint('red', 'PROBLEM')} missing: ${r.missing.join('; ')}\n`);
    }
  }
  if (opts.json) printJson(results);
  return results.every((r) => r.ok) ? 0 : 1;
}

void runCommand('doctor', async (opts, { env }) => {
  if (opts.live) return live(opts, env);
  if (opts.agent) throw new UsageError('agent= goes with live=1 (make doctor live=1 agent=claude)');
  const ctx = await loadContext(opts.repo, { cwd: process.cwd(), env });
  const found = await doctor(ctx, { name: opts.name, env });
  if (opts.name && !found.length) throw new UsageError(`no live session ${opts.name} in ${ctx.main} (workspace ${ctx.config.workspace}); make list-sessions shows them`);
  if (opts.json) {
    printJson(found);
    return found.every((s) => s.ok) ? 0 : 1;
  }
  if (!found.length) {
    process.stdout.write(`no live sessions in ${ctx.main} (workspace ${ctx.config.workspace})\n`);
    return 0;
  }
  const out: string[] = [];
  for (const s of found) {
    out.push(`${s.name}: ${s.agent ? `agent ${s.agent}${s.kind && s.kind !== s.agent ? ` (${s.kind})` : ''}` : 'no agent'} ${s.ok ? paint('green', 'ok') : paint('red', 'PROBLEM')}`);
    for (const c of s.checks) out.push(`  ${c.ok ? paint('green', 'ok ') : paint('red', 'NO ')} ${c.what}: ${c.detail}`);
    if (s.event) {
      const e = s.event;
      const line = `synthetic ${e.event} through dist/hook.cjs (a throwaway copy of the state folder): ${e.before ?? '(no state)'} -> ${e.after ?? '(no state)'}${e.error ? ` (${e.error})` : ''}`;
      out.push(`  ${e.changed ? paint('green', 'ok ') : paint('red', 'NO ')} ${line}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return found.every((s) => s.ok) ? 0 : 1;
});
