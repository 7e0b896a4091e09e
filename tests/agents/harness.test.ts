// The real agent CLIs, offline: each runs against the scripted model server, writes a file, and its hook
// events fire in the documented order. Skipped (one line) when the agent is not in .cache/agents:
// node tests/helpers/agents/install.mjs. AGENT_FIXTURES=1 also saves the payloads as
// tests/agents/fixtures/<agent>/<Event>[-<tool>].real.json.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../helpers/repo.ts';
import { saveFixtures } from '../helpers/agents/fixtures.ts';
import { startModelServer, writeTurn, type ModelServer } from '../helpers/agents/model-server.ts';
import {
  CAPTURE,
  KIT,
  captureSettings,
  cleanupHomes,
  readCaptured,
  runHeadless,
  startInteractive,
  waitFor,
  type Agent,
  type Captured,
  type RunResult,
} from '../helpers/agents/run.ts';
import { skipWithout } from '../helpers/agents/kit.ts';

const SAVE = !!process.env.AGENT_FIXTURES;

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
  cleanupHomes();
});

function repo(): string {
  const dir = tempDir('kit-agent-repo-');
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  return dir;
}

/** Placeholders for the machine's paths in saved payloads. */
function pathsOf(cwd: string, r: RunResult, log: string): Record<string, string> {
  return { [cwd]: '<repo>', [r.home.root]: '<agent-root>', [log]: '<capture-log>', [CAPTURE]: '<capture.mjs>', [KIT]: '<kit>', [process.execPath]: '<node>', [tmpdir()]: '<tmp>' };
}

/** The event names in order; consecutive repeats (OpenCode's session.status) folded. */
const names = (c: Captured[]) => c.map((x) => x.event).filter((e, i, a) => i === 0 || a[i - 1] !== e);

/** From an interactive run only the events headless runs do not give (the question to the person). */
function saveInteractive(agent: Agent, cwd: string, root: string, log: string): void {
  const only = readCaptured(log).filter((c) => c.event === 'PermissionRequest' || c.event === 'Notification');
  saveFixtures(agent, only, { [cwd]: '<repo>', [root]: '<agent-root>', [log]: '<capture-log>', [CAPTURE]: '<capture.mjs>', [KIT]: '<kit>', [process.execPath]: '<node>', [tmpdir()]: '<tmp>' });
}

async function headless(agent: Agent) {
  const cwd = repo();
  const file = join(cwd, 'hello.txt');
  server.setScript([writeTurn(agent, file, 'hello from the model\n', cwd), { text: 'Wrote hello.txt.' }]);
  const before = server.requests.length;
  const log = join(tempDir('kit-capture-'), 'events.jsonl');
  const settingsFile = captureSettings(agent, tempDir('kit-settings-'), log);
  const notify = agent === 'codex' ? [process.execPath, CAPTURE, log, 'codex', 'notify'] : undefined;
  const r = await runHeadless(agent, { cwd, prompt: 'Write hello.txt', server, settingsFile, notify });
  const captured = readCaptured(log);
  if (SAVE) saveFixtures(agent, captured, pathsOf(cwd, r, log));
  const requests = server.requests.slice(before).filter((q) => q.wire !== 'other');
  return { cwd, file, r, captured, requests, log };
}

describe('real agents, headless, offline', () => {
  test('claude: Write lands; SessionStart .. SessionEnd in order; the tool result reaches the model', async (ctx) => {
    skipWithout(ctx, 'claude');
    const { file, r, captured, requests } = await headless('claude');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('hello from the model\n');
    expect(names(captured)).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolBatch', 'Stop', 'SessionEnd']);
    expect(captured.find((c) => c.event === 'PreToolUse')!.payload).toMatchObject({ tool_name: 'Write', tool_input: { file_path: file } });
    const main = requests.filter((q) => !q.side);
    expect(main.map((q) => q.turn)).toEqual([0, 1]);
    expect(JSON.stringify(main[1]!.body)).toContain('"type":"tool_result"');
  });

  test('codex: apply_patch lands; hooks in order; notify gets agent-turn-complete', async (ctx) => {
    skipWithout(ctx, 'codex');
    const { file, r, captured, requests } = await headless('codex');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('hello from the model\n');
    const hooks = captured.filter((c) => c.event !== 'notify');
    expect(names(hooks)).toEqual(['SessionStart', 'UserPromptSubmit', 'PreModelRequest', 'PreToolUse', 'PostToolUse', 'PreModelRequest', 'Stop', 'SessionEnd']);
    expect(hooks.find((c) => c.event === 'PreToolUse')!.payload).toMatchObject({ tool_name: 'apply_patch' });
    const notify = captured.filter((c) => c.event === 'notify');
    expect(notify.length).toBe(1);
    expect(JSON.parse(notify[0]!.argv!.at(-1)!)).toMatchObject({ type: 'agent-turn-complete', 'last-assistant-message': 'Wrote hello.txt.' });
    expect(JSON.stringify(requests.filter((q) => !q.side)[1]!.body)).toContain('custom_tool_call_output');
  });

  test('gemini: write_file lands; SessionStart .. SessionEnd in order', async (ctx) => {
    skipWithout(ctx, 'gemini');
    const { file, r, captured, requests } = await headless('gemini');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('hello from the model\n');
    const model = ['PreCompress', 'BeforeModel', 'BeforeToolSelection', 'AfterModel'];
    expect(names(captured)).toEqual(['SessionStart', 'BeforeAgent', ...model, 'BeforeTool', 'AfterTool', ...model, 'AfterAgent', 'SessionEnd']);
    expect(captured.find((c) => c.event === 'BeforeTool')!.payload).toMatchObject({ tool_name: 'write_file' });
    expect(JSON.stringify(requests.filter((q) => !q.side)[1]!.body)).toContain('functionResponse');
  });

  test('opencode: write lands; plugin events in order', async (ctx) => {
    skipWithout(ctx, 'opencode');
    const { cwd, file, r, captured, requests } = await headless('opencode');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('hello from the model\n');
    const documented = ['session.created', 'session.status', 'tool.execute.before', 'file.edited', 'tool.execute.after', 'session.idle'];
    const seq = names(captured.filter((c) => documented.includes(c.event)));
    expect(seq[0]).toBe('session.created');
    const at = (e: string) => seq.indexOf(e);
    expect(at('tool.execute.before')).toBeGreaterThan(at('session.status'));
    expect(at('file.edited')).toBeGreaterThan(at('tool.execute.before'));
    expect(at('tool.execute.after')).toBeGreaterThan(at('file.edited'));
    expect(seq.at(-1)).toBe('session.idle');
    const statuses = captured.filter((c) => c.event === 'session.status').map((c) => c.payload?.properties?.status?.type);
    expect(statuses[0]).toBe('busy');
    expect(statuses.at(-1)).toBe('idle');
    expect(JSON.stringify(requests.filter((q) => !q.side).at(-1)!.body)).toContain('"role":"tool"');
    // The plugin install at start was avoided: nothing written into the repository.
    expect(existsSync(join(cwd, '.opencode'))).toBe(false);
  });
});

describe('real agents, interactive under tmux', () => {
  test('claude: the prompt reaches PermissionRequest; answering it writes; /exit ends the session', async (ctx) => {
    skipWithout(ctx, 'claude', true);
    const cwd = repo();
    const file = join(cwd, 'hello.txt');
    server.setScript([writeTurn('claude', file, 'hi\n'), { text: 'Wrote it.' }]);
    const log = join(tempDir('kit-capture-'), 'events.jsonl');
    const t = startInteractive('claude', { cwd, server, settingsFile: captureSettings('claude', tempDir('kit-settings-'), log) });
    try {
      await waitFor('the input box', () => /[>❯]/.test(t.screen()) && readCaptured(log).some((c) => c.event === 'SessionStart'), 20_000);
      await t.type('Write hello.txt');
      await waitFor('PermissionRequest', () => readCaptured(log).some((c) => c.event === 'PermissionRequest'), 20_000);
      await waitFor('the question on screen', () => /Do you want|Yes/.test(t.screen()), 10_000);
      await t.answer(/Do you want/, ['Enter']); // the first option: Yes
      await waitFor('Stop', () => readCaptured(log).some((c) => c.event === 'Stop'), 30_000);
      expect(readFileSync(file, 'utf8')).toBe('hi\n');
      await t.type('/exit');
      await waitFor('SessionEnd', () => readCaptured(log).some((c) => c.event === 'SessionEnd'), 10_000);
      if (SAVE) saveInteractive('claude', cwd, t.home.root, log);
      const seq = names(readCaptured(log)).filter((e) => e !== 'Notification');
      expect(seq).toEqual(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse', 'PostToolBatch', 'Stop', 'SessionEnd']);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${t.screen()}`);
    } finally {
      await t.stop();
    }
    expect(t.alive()).toBe(false);
  });

  test('codex: the prompt reaches PermissionRequest; y runs the command; /quit ends the session', async (ctx) => {
    skipWithout(ctx, 'codex', true);
    const cwd = repo();
    server.setScript([{ tool: 'exec_command', input: { cmd: 'echo hi > hello.txt', sandbox_permissions: 'require_escalated', justification: 'write the file' } }, { text: 'Wrote it.' }]);
    const log = join(tempDir('kit-capture-'), 'events.jsonl');
    const t = startInteractive('codex', { cwd, server, settingsFile: captureSettings('codex', tempDir('kit-settings-'), log) });
    try {
      await waitFor('the input box', () => /›|▌|Ask Codex|context left/i.test(t.screen()), 20_000);
      await t.type('Write hello.txt');
      await waitFor('PermissionRequest', () => readCaptured(log).some((c) => c.event === 'PermissionRequest'), 20_000);
      await waitFor('the question on screen', () => /Would you like to|Yes, proceed/.test(t.screen()), 15_000);
      await t.answer(/Yes, proceed/, ['y'], true);
      await waitFor('Stop', () => readCaptured(log).some((c) => c.event === 'Stop'), 30_000);
      expect(readFileSync(join(cwd, 'hello.txt'), 'utf8')).toBe('hi\n');
      await t.type('/quit');
      await waitFor('SessionEnd', () => readCaptured(log).some((c) => c.event === 'SessionEnd'), 10_000);
      if (SAVE) saveInteractive('codex', cwd, t.home.root, log);
      const seq = names(readCaptured(log));
      expect(seq.slice(seq.indexOf('PreToolUse'))).toEqual(['PreToolUse', 'PermissionRequest', 'PostToolUse', 'PreModelRequest', 'Stop', 'SessionEnd']);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${t.screen()}\n--- events ---\n${names(readCaptured(log)).join(' ')}`);
    } finally {
      await t.stop();
    }
    expect(t.alive()).toBe(false);
  });
});
