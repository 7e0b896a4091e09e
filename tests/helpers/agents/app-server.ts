// `codex app-server` over stdio, to ask the real Codex what it thinks of the hooks it finds: JSON-RPC,
// one JSON object a line (no "jsonrpc" field). `initialize` {clientInfo, capabilities}, then the
// notification `initialized`, then `hooks/list` {cwds}. Shapes from `codex app-server generate-ts`
// (0.169.0: v2/HooksListParams.ts, HooksListResponse.ts, HookMetadata.ts). About 0.5 s a call.
import { spawn } from 'node:child_process';
import { agentBinary, whyMissing } from './run.ts';

export type HookTrustStatus = 'untrusted' | 'trusted' | 'modified' | 'managed';

/** One hook as hooks/list reports it (the fields the tests use; HookMetadata has more). */
export interface CodexHook {
  /** `<hooks file>:<event_snake>:<group>:<handler>`: the key of its `[hooks.state."..."]` entry. */
  key: string;
  /** camelCase: preToolUse, sessionEnd, ... */
  eventName: string;
  handlerType: string;
  command?: string;
  async?: boolean;
  matcher: string | null;
  timeoutSec: number;
  statusMessage: string | null;
  sourcePath: string;
  source: string;
  enabled: boolean;
  currentHash: string;
  trustStatus: HookTrustStatus;
}

export interface HooksListEntry {
  cwd: string;
  hooks: CodexHook[];
  warnings: string[];
  errors: unknown[];
}

/**
 * Codex's own view of the hooks for each of `cwds`: runs `codex app-server` with `env` (CODEX_HOME,
 * HOME, PATH: a clean environment such as makeHome's), asks hooks/list, and ends it.
 */
export function codexHooksList(env: Record<string, string>, cwds: string[], timeoutMs = 20_000): Promise<HooksListEntry[]> {
  const bin = agentBinary('codex');
  if (!bin) throw new Error(whyMissing('codex')!);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['app-server'], { cwd: cwds[0], env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let buf = '';
    let stderr = '';
    let done = false;
    const finish = (err: Error | null, value?: HooksListEntry[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error(`codex app-server: no answer to hooks/list in ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    const send = (msg: unknown) => child.stdin.write(JSON.stringify(msg) + '\n');
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => finish(e));
    child.on('close', (code) => finish(new Error(`codex app-server ended (${code}) before answering\n${stderr}`)));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        let msg: any;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        if (msg.error && (msg.id === 1 || msg.id === 2)) return finish(new Error(`codex app-server: ${JSON.stringify(msg.error)}`));
        if (msg.id === 1) {
          send({ method: 'initialized' });
          send({ id: 2, method: 'hooks/list', params: { cwds } });
        } else if (msg.id === 2) finish(null, msg.result.data as HooksListEntry[]);
      }
    });
    send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'parallel-kit-tests', title: null, version: '0' }, capabilities: null } });
  });
}
