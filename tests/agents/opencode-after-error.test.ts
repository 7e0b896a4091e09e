// OpenCode reports idle right after session.error (seen with the real 1.18.33, tests/agents/gemini-opencode-real.test.ts):
// the kit's plugin marks that idle `after_error`, and the hook keeps the session failed. Its next turn
// (session.status busy) clears the mark.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../scripts/lib/agents/events.ts';
import { opencodePlugin } from '../../scripts/lib/agents/opencode.ts';
import type { AgentSetupInput } from '../../scripts/lib/agents/launch.ts';
import { tempDir } from '../helpers/repo.ts';
import { waitFor } from '../helpers/agents/run.ts';

const ev = (type: string, properties: Record<string, unknown>) => ({ type, properties });
const status = (type: string) => ev('session.status', { sessionID: 's1', status: { type } });

describe('OpenCode: the idle after session.error', () => {
  it('the hook reads an idle marked after_error as no state; an unmarked idle is idle', () => {
    for (const [name, p] of [['session.idle', ev('session.idle', { sessionID: 's1' })], ['session.status', status('idle')]] as const) {
      expect(interpret('opencode', name, p).state).toBe('idle');
      const marked = interpret('opencode', name, { ...p, after_error: true });
      expect(marked.state).toBeUndefined();
      expect(marked.message).toContain('still failed');
    }
    expect(interpret('opencode', 'session.error', ev('session.error', { sessionID: 's1', error: { name: 'APIError', data: { message: 'bad' } } })).state).toBe('failed');
  });

  it('the plugin marks the idle events that follow session.error, until the session is busy again', async () => {
    const dir = tempDir('kit-oc-plugin-');
    const log = join(dir, 'calls.jsonl');
    const recorder = join(dir, 'record.mjs');
    writeFileSync(recorder, `import { appendFileSync, readFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), payload: JSON.parse(readFileSync(0, 'utf8')) }) + '\\n');\n`);
    const input = { session: 's', hook: () => [process.execPath, recorder, 'opencode', 'dir=/nowhere'] } as unknown as AgentSetupInput;
    const file = join(dir, 'plugin.mjs');
    writeFileSync(file, opencodePlugin(input));
    const { ParallelKit } = await import(pathToFileURL(file).href);
    const plugin = await ParallelKit({ directory: dir });
    const sent = [status('busy'), ev('session.error', { sessionID: 's1', error: { name: 'APIError' } }), status('idle'), ev('session.idle', { sessionID: 's1' }), status('busy'), status('idle'), ev('session.idle', { sessionID: 's1' })];
    // One at a time, so that the recorder's lines come in order.
    const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
    for (const [i, e] of sent.entries()) {
      await plugin.event({ event: e });
      await waitFor(`call ${i + 1}`, () => calls().length === i + 1, 10_000, 20);
    }
    expect(calls().map((c) => [c.argv[1], c.payload.after_error === true])).toEqual([
      ['session.status', false],
      ['session.error', false],
      ['session.status', true],
      ['session.idle', true],
      ['session.status', false],
      ['session.status', false],
      ['session.idle', false],
    ]);
    expect(calls()[0].argv).toEqual(['opencode', 'session.status', 'dir=/nowhere']);
  });
});
