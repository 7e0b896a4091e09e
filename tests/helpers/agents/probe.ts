// Manual probe: npx tsx tests/helpers/agents/probe.ts <agent>  (prints the run, the events, the requests)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelServer, writeTurn } from './model-server.ts';
import { captureSettings, readCaptured, runHeadless, type Agent } from './run.ts';

const agent = process.argv[2] as Agent;
const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'probe-repo-')));
execFileSync('git', ['init', '-q', cwd]);
const file = join(cwd, 'hello.txt');
const server = await startModelServer([writeTurn(agent, file, 'hello\n', cwd), { text: 'Wrote it.' }]);
const log = join(cwd, '..', `probe-${agent}-${Date.now()}.jsonl`);
const settingsFile = captureSettings(agent, mkdtempSync(join(tmpdir(), 'probe-set-')), log);
const r = await runHeadless(agent, { cwd, prompt: 'write hello.txt', server, settingsFile, notify: agent === 'codex' ? [process.execPath, join(import.meta.dirname, 'capture.mjs'), log, 'codex', 'notify'] : undefined });
console.log('code', r.code, 'ms', r.ms);
console.log('stdout', r.stdout.slice(0, 1500));
console.log('stderr', r.stderr.slice(0, 1500));
console.log('file', existsSync(file) ? JSON.stringify(readFileSync(file, 'utf8')) : 'MISSING');
console.log('events', readCaptured(log).map((c) => c.event + (c.payload?.tool_name ? ':' + c.payload.tool_name : '')).join(' '));
console.log('requests', server.requests.map((q) => `${q.method} ${q.path} ${q.side ? 'side' : 'turn=' + q.turn}`).join('\n'));
console.log('log', log, 'home', r.home.root);
await server.close();
