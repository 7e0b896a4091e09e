// OpenCode: a plugin in a per-session config folder under the session's state folder (OPENCODE_CONFIG_DIR),
// so nothing lands in the copy or in the user's ~/.config/opencode. OpenCode npm-installs @opencode-ai/plugin
// into every config folder it reads unless node_modules/ exists and package-lock.json lists that dependency:
// the folder is prepared so, and the plugin itself imports only Node built-ins.
import { join } from 'node:path';
import { type AgentPlan, type AgentSetupInput } from './launch.ts';

export const OPENCODE_DIR = 'opencode';
const DEPENDENCY = '@opencode-ai/plugin';

/** The bus events the hook reads (docs/agents.md "States"); the rest (message parts, ...) would only cost a process each. */
const FORWARDED = ['session.created', 'session.status', 'session.idle', 'session.error', 'permission.asked', 'permission.replied', 'file.edited'];

export function opencodePlugin(input: AgentSetupInput): string {
  const [cmd, ...args] = input.hook();
  const dirArg = args.pop()!; // the hook's words are node <hook.cjs> opencode dir=...: the event goes before dir=
  return `// Written by the parallel sessions kit for session ${JSON.stringify(input.session)}: forwards OpenCode's events
// to the kit's hook (node <kit>/dist/hook.cjs opencode <event> dir=<session state folder>, the event's JSON on
// stdin), and blocks a tool the hook denies. Node built-ins only, so OpenCode installs nothing for it.
import { spawn } from 'node:child_process';

const COMMAND = ${JSON.stringify(cmd)};
const ARGS = ${JSON.stringify(args)};
const DIR_ARG = ${JSON.stringify(dirArg)};
const FORWARDED = new Set(${JSON.stringify(FORWARDED)});
const DECISION_TIMEOUT_MS = 10000;

/** Runs the hook; with wait, resolves to its stdout (empty on any failure: the hook fails open). */
function hook(event, payload, wait) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(COMMAND, [...ARGS, event, DIR_ARG], { stdio: ['pipe', wait ? 'pipe' : 'ignore', 'ignore'] });
    } catch {
      resolve('');
      return;
    }
    let out = '';
    let timer = null;
    const done = () => {
      if (timer) clearTimeout(timer);
      resolve(out);
    };
    child.on('error', done);
    child.stdin.on('error', () => {});
    if (wait) {
      timer = setTimeout(() => {
        out = '';
        child.kill();
        done();
      }, DECISION_TIMEOUT_MS);
      child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      child.on('close', done);
    }
    child.stdin.end(JSON.stringify({ ...payload, kit_sent_at: Date.now() }));
    if (!wait) {
      child.unref();
      resolve('');
    }
  });
}

/** The reason of a denial in the hook's reply, or null: {"decision":"deny","reason"} or Claude's hookSpecificOutput. */
function denial(out) {
  const last = out.trim().split('\\n').pop();
  if (!last) return null;
  try {
    const r = JSON.parse(last);
    if (r && (r.decision === 'deny' || r.decision === 'block')) return String(r.reason || 'denied by the parallel sessions kit');
    const s = r && r.hookSpecificOutput;
    if (s && s.permissionDecision === 'deny') return String(s.permissionDecisionReason || 'denied by the parallel sessions kit');
  } catch {}
  return null;
}

/** Sessions whose turn ended on session.error: OpenCode then reports idle, which must not clear the failure. */
const failed = new Set();

export const ParallelKit = async ({ directory }) => ({
  event: async ({ event }) => {
    if (!event || !FORWARDED.has(event.type)) return;
    const props = event.properties || {};
    const id = String(props.sessionID || '');
    const status = props.status && props.status.type;
    if (event.type === 'session.error') failed.add(id);
    else if (event.type === 'session.status' && status === 'busy') {
      failed.delete(id);
      failed.delete(''); // a session.error that named no session
    }
    const idle = event.type === 'session.idle' || (event.type === 'session.status' && status === 'idle');
    const afterError = idle && (failed.has(id) || failed.has(''));
    hook(event.type, { ...event, hook_event_name: event.type, cwd: directory, ...(afterError ? { after_error: true } : {}) }, false);
  },
  'tool.execute.before': async (input, output) => {
    const payload = { hook_event_name: 'tool.execute.before', cwd: directory, tool: input.tool, sessionID: input.sessionID, callID: input.callID, args: output && output.args };
    const reason = denial(await hook('tool.execute.before', payload, true));
    if (reason !== null) throw new Error(reason);
  },
  'tool.execute.after': async (input, output) => {
    hook('tool.execute.after', { hook_event_name: 'tool.execute.after', cwd: directory, tool: input.tool, sessionID: input.sessionID, callID: input.callID, title: output && output.title }, false);
  },
});
`;
}

export async function opencodeSetup(input: AgentSetupInput): Promise<AgentPlan> {
  const dir = join(input.stateDir, OPENCODE_DIR);
  const pkg = { name: 'parallel-kit-opencode', private: true, type: 'module', dependencies: { [DEPENDENCY]: '*' } };
  const lock = { name: 'parallel-kit-opencode', lockfileVersion: 3, requires: true, packages: { '': { name: 'parallel-kit-opencode', dependencies: { [DEPENDENCY]: '*' } } } };
  const warnings = input.env.OPENCODE_CONFIG_DIR ? [`OPENCODE_CONFIG_DIR is set (${input.env.OPENCODE_CONFIG_DIR}); the launch command points it at the session's own folder instead, so that folder's plugins do not load`] : [];
  return {
    argv: ['env', `OPENCODE_CONFIG_DIR=${dir}`, input.spec.command, ...input.spec.args],
    files: [
      { path: join(dir, 'plugins', 'parallel-kit.js'), text: opencodePlugin(input) },
      { path: join(dir, 'package.json'), text: `${JSON.stringify(pkg, null, 2)}\n` },
      { path: join(dir, 'package-lock.json'), text: `${JSON.stringify(lock, null, 2)}\n` },
    ],
    dirs: [join(dir, 'node_modules')],
    created: [dir],
    exclude: [],
    warnings,
  };
}
