// make bench [runs=N files=N only=NAME,NAME json=1]: the kit's commands against raw git / node baselines, medians of N runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GIT_ID, MAKEFILE, MEASURES, sampleRepo, type Comparison } from './lib/bench/measures.ts';
import { runCommand } from './lib/cli/run.ts';
import { UsageError } from './lib/core/errors.mjs';
import { renderTable } from './lib/cli/table.ts';
import { printJson } from './lib/cli/output.ts';

void runCommand('bench', async (opts) => {
  const runs = opts.runs ?? 9;
  const files = opts.files ?? 5000;
  const only = opts.only ? opts.only.split(',').map((n) => n.trim()).filter(Boolean) : null;
  const unknown = only?.filter((n) => !MEASURES.some((m) => m.name === n)) ?? [];
  if (unknown.length || only?.length === 0) throw new UsageError(`only=${opts.only}: expected measures among ${MEASURES.map((m) => m.name).join(', ')}`);
  const root = mkdtempSync(join(tmpdir(), 'kit-bench-'));
  const results: Comparison[] = [];
  try {
    execFileSync('make', ['-s', '-f', MAKEFILE, 'deps', 'build'], { stdio: 'ignore' });
    const run = { root, repo: sampleRepo(root, files), runs, files, env: { ...GIT_ID, NO_COLOR: '1' } };
    for (const m of MEASURES.filter((m) => !only || only.includes(m.name))) {
      // Each measure starts on a settled disk: the last one's checkouts still being written out would
      // slow whatever this one writes (the hook's status file, a rename) by the luck of the moment.
      spawnSync('sync', [], { stdio: 'ignore' });
      results.push(...(await m.run(run)));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (opts.json) return printJson(results);
  const target = (r: Comparison) => (r.target === null ? '-' : `${r.target}x ${r.met ? 'met' : 'NOT met'}`);
  const rows = results.map((r) => (r.skipped ? [r.name, '-', '-', '-', `${r.target ?? '-'}x skipped`, r.subject, r.skipped] : [r.name, `${r.subject_ms} ms`, `${r.baseline_ms} ms`, `${r.ratio}x`, target(r), r.subject, r.baseline]));
  process.stdout.write(`${renderTable(['BENCH', 'MEDIAN', 'BASELINE', 'RATIO', 'TARGET', 'SUBJECT', 'BASELINE COMMAND'], rows)}\n(medians of ${runs} runs; track, hook and node of ${runs * 3}; real agents of at least 10)\n`);
});
