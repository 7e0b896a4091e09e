// node <kit>/dist/plan-runner.mjs <session state folder>: runs a plan session's agent headless, detached
// from the orchestrator that started it, and records its exit (scripts/lib/plans/runner.ts). Not a user
// command: bundled alone into dist/plan-runner.mjs. SIGTERM, SIGINT and SIGHUP go to the agent; the
// runner stays to record that it was stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_SPEC, runHeadless, type RunSpec } from './lib/plans/runner.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: plan-runner.mjs <session state folder>\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(join(dir, RUN_SPEC), 'utf8')) as RunSpec;
const exit = await runHeadless(dir, spec, {
  pid: process.pid,
  env: process.env,
  onSignal: (fn) => {
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, () => fn(s));
  },
});
process.exit(exit === null ? 0 : exit.code === 0 ? 0 : 1);
