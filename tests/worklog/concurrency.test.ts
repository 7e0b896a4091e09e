import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEntry, WORKLOG_HEADER, type EntryData } from '../../scripts/lib/worklog/entries.ts';
import { KIT_DIR } from '../helpers/make.ts';
import { tempDir } from '../helpers/repo.ts';

const LOADER = join(KIT_DIR, 'node_modules/tsx/dist/loader.mjs');

const entryData = (i: number): EntryData => ({
  name: `s${i}`,
  uid: `u${i}`,
  kind: i % 2 ? 'bugfix' : 'feature',
  branch: `${i % 2 ? 'fix' : 'feature'}/s${i}`,
  base: 'main',
  component: 'server',
  componentPaths: ['server/'],
  port: 8000 + i,
  started: '2025-01-02T03:04:05.000+00:00',
  mode: 'worktree',
  path: `/tmp/s${i}`,
  profile: null,
});

function runChild(script: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-warnings', '--import', LOADER, script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

describe('appendEntry across processes', () => {
  it('20 concurrent appends from separate processes all land intact', async () => {
    const dir = tempDir('kit-wlc-');
    const main = join(dir, 'main');
    const root = join(main, '.parallel');
    const script = join(dir, 'append.mts');
    writeFileSync(
      script,
      `import { appendEntry, renderEntry } from ${JSON.stringify(join(KIT_DIR, 'scripts/lib/worklog/entries.ts'))};
const [main, root, json] = process.argv.slice(2);
await appendEntry(main, root, renderEntry(JSON.parse(json)));
`,
    );
    const n = 20;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => runChild(script, [main, root, JSON.stringify(entryData(i))])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(main, 'WORK_LOG.md'), 'utf8');
    expect(text.startsWith(`${WORKLOG_HEADER}\n`)).toBe(true);
    const entries = text.slice(WORKLOG_HEADER.length + 1).split(/\n(?=<!-- parallel-session:begin )/);
    expect(entries).toHaveLength(n);
    const expected = Array.from({ length: n }, (_, i) => renderEntry(entryData(i)));
    expect([...entries].sort()).toEqual([...expected].sort());
  });
});
