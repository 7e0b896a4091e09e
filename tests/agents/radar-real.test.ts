// The radar in a real agent's loop (offline, the scripted model server): two sessions on a shared
// component, the other one has committed docs/guide.md on its branch, make conflicts has written the
// radar's cache; Claude, started with its session's recorded launch command, writes docs/guide.md, and
// the model's next request carries the radar's note (the hook's additionalContext, a system-reminder).
// Skips (one line) when the pinned Claude is not in .cache/agents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import { cleanupHomes, makeHome, whyMissing } from '../helpers/agents/run.ts';
import { make, makeJson } from '../helpers/make.ts';
import { commitFiles, makeRepo } from '../helpers/repo.ts';
import { newSession, type Created } from '../helpers/session.ts';
import { ensureBuilt } from '../helpers/tracker.ts';
import { runArgv } from '../helpers/agents/kit.ts';

let server: ModelServer;
beforeAll(async () => {
  ensureBuilt();
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

describe('the radar reaches the real agent', () => {
  const why = whyMissing('claude');
  test.skipIf(why !== null)(`claude: the next model request carries the radar's note${why ? ` (${why})` : ''}`, async () => {
    const repo = makeRepo();
    const mine = makeJson<Created & { agent_argv: string[] }>(repo, 'new-session', { name: 'mine', component: 'docs', shared: 1, agent: 'claude' });
    expect(mine.code, mine.stderr).toBe(0);
    const other = newSession(repo, 'theirs', { component: 'docs', shared: 1 });
    commitFiles(other.path as string, { 'docs/guide.md': 'their guide\n' }, 'their guide');
    expect(make(repo, 'conflicts').code).toBe(0);

    const copy = mine.data.path as string;
    const home = makeHome('claude', { cwd: copy, server });
    const file = join(copy, 'docs', 'guide.md');
    server.setScript([writeTurn('claude', file, 'my guide\n'), { text: 'Wrote docs/guide.md.' }]);
    const argv = [...mine.data.agent_argv, '-p', 'Write docs/guide.md', '--permission-mode', 'acceptEdits', '--output-format', 'json'];
    const ran = await runArgv(argv, copy, home.env);
    expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('my guide\n');
    const next = server.turns().find((r) => r.turn === 1);
    expect(next, 'the request after the Write').toBeDefined();
    const body = JSON.stringify(next!.body);
    expect(body).toContain('Parallel sessions radar');
    expect(body).toContain('docs/guide.md is also changed by session theirs');
    expect(body).toContain('git predicts no conflict with theirs so far');
    // It is a system-reminder Claude adds for the hook's context, not the model's own text.
    expect(body).toContain('system-reminder');
  }, 150_000);
});
