// The whole hook: read the agent's JSON, find the session, guard an edit, record the state, reply.
// It never breaks or slows the agent: every problem ends in exit 0 with nothing on stdout, and a line in
// the session's log.jsonl (or <state folder>/hooks.log). Built-ins only (bundled into dist/hook.cjs).
import { closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { appendLine } from '../core/files.ts';
import { isoWithOffset } from '../core/time.ts';
import { NAME_RE } from '../store/constants.ts';
import { recordAgentEvent } from '../tracker/agent.ts';
import { findSessionEnv } from '../tracker/locate.ts';
import { agentPid, processAlive } from '../tracker/proc.ts';
import { eventName, interpret, isAgent, type AgentEvent } from './events.ts';
import { decide, GUARD_FILE, otherGuards, readGuardFile, type Verdict } from './guard.ts';
import { remoteGuards } from './remote-claims.ts';
import { kickRefresh, overlapNote, readRadarCache } from './radar-cache.ts';
import { contextReply, replyFor, type Reply } from './reply.ts';

export const STDIN_MAX = 1024 * 1024;
export const STDIN_TIMEOUT_MS = 2000;
export const HOOKS_LOG = 'hooks.log';

export interface HookInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The agent's JSON: a file descriptor (the hook's stdin) or a stream; null when it came as an argument (Codex notify). */
  stdin: number | Readable | null;
  /**
   * A socket on `stdin` may be made non-blocking through node's pipe binding (process.binding): false
   * where node is told to warn of deprecated calls, which that is (the stream reads it then).
   */
  socketBinding?: boolean;
  /** The stream to read when `stdin` is a descriptor that cannot be reopened without blocking (no /proc). */
  stdinStream?: () => Readable;
  /** When this hook process started (ms since the epoch). */
  startedMs: number;
  /** The hook's parent process, where the search for the agent begins. */
  ppid: number;
  /** The kit's folder (dist/hook.cjs is in <kit>/dist): where the background radar refresh is. */
  kitDir?: string;
}

/** The handles of sockets made non-blocking, kept alive (collected, one would close its descriptor). */
const socketHandles: unknown[] = [];

/**
 * Makes the socket at `fd` non-blocking, as node's own stdin stream does (libuv's pipe_wrap opens it),
 * without loading that stream and node's net module, which cost a hook a sixth of its time. False when
 * the binding is not there (a later node): the stream then reads it.
 */
function socketNonBlocking(fd: number): boolean {
  try {
    const binding = (process as unknown as { binding(name: string): { Pipe: new (type: number) => { open(fd: number): number }; constants: { SOCKET: number } } }).binding('pipe_wrap');
    const handle = new binding.Pipe(binding.constants.SOCKET);
    if (handle.open(fd) !== 0) return false;
    socketHandles.push(handle);
    return true;
  } catch {
    return false;
  }
}

/**
 * The agent's JSON from a file descriptor (the hook's stdin, fd 0): at most STDIN_MAX bytes, at most
 * STDIN_TIMEOUT_MS of waiting; null when the descriptor cannot be reopened without blocking (then read
 * the stream). Not the stdin stream: one over a pipe loads node's net and stream modules, a tenth of
 * the hook's time. Reopened with O_NONBLOCK (/proc/self/fd), so that a pipe nobody closes never holds
 * a thread in read(), which would keep the process from exiting.
 */
export function readFd(fd: number, sockets: boolean, max = STDIN_MAX, timeoutMs = STDIN_TIMEOUT_MS): Promise<string> | null {
  let nb: number;
  let own = true;
  try {
    nb = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    // A socket cannot be reopened (ENXIO), and an agent written in Node hands its hooks one: libuv makes
    // a child's stdin pipe as a socketpair (Claude Code, Gemini CLI). Its own descriptor is made
    // non-blocking instead, and read in place.
    if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || !sockets || !socketNonBlocking(fd)) return null;
    nb = fd;
    own = false;
  }
  const until = Date.now() + timeoutMs;
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const buf = Buffer.allocUnsafe(64 * 1024);
    const end = (err: Error | null) => {
      if (own) closeSync(nb);
      if (err) fail(err);
      else ok(Buffer.concat(chunks).toString('utf8'));
    };
    const step = (): void => {
      for (;;) {
        let n: number;
        try {
          n = readSync(nb, buf, 0, buf.length, null);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return end(err as Error);
          if (Date.now() >= until) return end(new Error(`no end of input after ${timeoutMs} ms`));
          setTimeout(step, 2);
          return;
        }
        if (n === 0) return end(null);
        size += n;
        if (size > max) return end(new Error(`input larger than ${max} bytes`));
        chunks.push(Buffer.from(buf.subarray(0, n)));
      }
    };
    step();
  });
}

/** The agent's JSON from a stream: at most STDIN_MAX bytes, at most STDIN_TIMEOUT_MS of waiting. */
export function readStdin(stream: Readable, max = STDIN_MAX, timeoutMs = STDIN_TIMEOUT_MS): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: Error | null) => {
      clearTimeout(timer);
      stream.removeAllListeners('data').removeAllListeners('end').removeAllListeners('error');
      stream.pause();
      if (err) fail(err);
      else ok(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(() => done(new Error(`no end of input after ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) return done(new Error(`input larger than ${max} bytes`));
      chunks.push(c);
    });
    stream.on('end', () => done(null));
    stream.on('error', (e) => done(e));
  });
}

interface Where {
  /** The state folder. */
  root: string;
  workspace: string;
  session: string;
  /** <root>/<workspace>/<session> */
  dir: string;
}

const validName = (n: string | undefined): n is string => typeof n === 'string' && NAME_RE.test(n);

/** A session folder (dir= names one: it holds status.json or session.json) → where it is. */
function fromSessionDir(dir: string): Where | null {
  const d = resolve(dir);
  const [session, workspace] = [basename(d), basename(dirname(d))];
  if (!validName(session) || !validName(workspace)) return null;
  return { root: dirname(dirname(d)), workspace, session, dir: d };
}

function fromVars(vars: Readonly<Record<string, string | undefined>>): Where | null {
  const { PARALLEL_DIR: root, PARALLEL_WORKSPACE: workspace, PARALLEL_SESSION: session } = vars;
  if (!root || !validName(workspace) || !validName(session)) return null;
  return { root: resolve(root), workspace, session, dir: join(resolve(root), workspace, session) };
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** dir=, else the environment, else the payload's cwd (its nearest .parallel-session.env); the folder must exist. */
export function findSession(dirArg: string | undefined, env: HookInput['env'], cwd: string | undefined): { where: Where | null; root: string | null } {
  const tries: (() => Where | null)[] = [
    () => (dirArg ? fromSessionDir(dirArg) : null),
    () => fromVars(env),
    () => (cwd && isDir(cwd) ? fromVars(findSessionEnv(cwd)) : null),
  ];
  let root: string | null = null;
  for (const t of tries) {
    const w = t();
    if (!w) continue;
    if (isDir(w.dir)) return { where: w, root: w.root };
    root ??= isDir(w.root) ? w.root : null;
  }
  if (!root && env.PARALLEL_DIR && isDir(env.PARALLEL_DIR)) root = resolve(env.PARALLEL_DIR);
  return { where: null, root };
}

/** A line in hooks.log of the state folder, or nowhere; never throws. */
function logProblem(root: string | null, where: Where | null, text: string): void {
  try {
    const at = isoWithOffset();
    if (where) appendLine(join(where.dir, 'log.jsonl'), JSON.stringify({ at, event: 'hook_error', session_id: where.session, workspace: where.workspace, message: text.slice(0, 500) }));
    else if (root) appendLine(join(root, HOOKS_LOG), `${at} ${text.slice(0, 500)}`);
  } catch {
    /* a full disk, a read-only folder: the agent goes on */
  }
}

function parseArgs(argv: readonly string[]): { agent: string | undefined; event: string | undefined; dir: string | undefined; json: string | undefined; message: string | undefined } {
  let dir: string | undefined;
  let json: string | undefined;
  let message: string | undefined;
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('dir=')) dir = a.slice(4);
    else if (a.startsWith('message=')) message = a.slice(8);
    else if (a.trimStart().startsWith('{')) json = a;
    else words.push(a);
  }
  return { agent: words[0], event: words[1], dir, json, message };
}

const SILENT: Reply = { stdout: '', code: 0 };

/** The payload's text: from argv (Codex notify), else stdin; Aider and a custom command give none (stdin may be the terminal). */
async function inputText(agent: string, json: string | undefined, input: HookInput, message?: string): Promise<string> {
  if (json !== undefined) return json;
  if (agent === 'custom') return JSON.stringify(message === undefined ? {} : { message });
  if (agent === 'aider' || input.stdin === null) return agent === 'aider' ? '{}' : '';
  if (typeof input.stdin !== 'number') return readStdin(input.stdin);
  return (await readFd(input.stdin, input.socketBinding ?? false)) ?? (input.stdinStream ? readStdin(input.stdinStream()) : '');
}

/** The hook, start to end. Resolves with what to print; never rejects. */
export async function runHook(input: HookInput): Promise<Reply> {
  const args = parseArgs(input.argv);
  let where: Where | null = null;
  let root: string | null = null;
  try {
    // Problems before the payload is read go where the dir= or the environment points.
    ({ where, root } = findSession(args.dir, input.env, undefined));
    if (!args.agent || !isAgent(args.agent)) throw new Error(`unknown agent ${JSON.stringify(args.agent ?? '')}: expected claude, codex, gemini, opencode, aider or custom`);
    const text = await inputText(args.agent, args.json, input, args.message);
    if (!text.trim()) throw new Error(`${args.agent} ${args.event ?? ''}: empty input`);
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new Error(`${args.agent} ${args.event ?? ''}: input is not JSON`);
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error(`${args.agent} ${args.event ?? ''}: input is not a JSON object`);
    const p = payload as Record<string, unknown>;
    if (!where) ({ where, root } = findSession(args.dir, input.env, typeof p.cwd === 'string' ? p.cwd : typeof p.directory === 'string' ? p.directory : undefined));
    if (!where) {
      logProblem(root, null, `${args.agent} ${args.event ?? ''}: no session found (dir=, PARALLEL_* or a .parallel-session.env above the cwd)`);
      return SILENT;
    }
    const ev = interpret(args.agent, eventName(args.agent, args.event, p), p);
    const { verdict, reply } = guardEdit(where, ev);
    // The kit's own OpenCode plugin stamps when it sent the event: its hooks are spawned without waiting,
    // so under load one may start before an earlier one; the stamp keeps their order.
    const sent = p.kit_sent_at;
    const at = typeof sent === 'number' && Number.isFinite(sent) && sent > 0 ? { ...input, startedMs: sent } : input;
    try {
      record(where, ev, verdict, at);
    } catch (err) {
      logProblem(root, where, `${ev.agent} ${ev.event}: ${(err as Error).message}`);
    }
    if (input.kitDir && (AFTER_EVENTS.has(`${ev.agent} ${ev.event}`) || ev.editPaths?.length)) await refreshRadar(where, input);
    return reply;
  } catch (err) {
    logProblem(root, where, (err as Error).message);
    return SILENT;
  }
}

function guardEdit(where: Where, ev: AgentEvent): { verdict: Verdict | null; reply: Reply } {
  if (!ev.editPaths?.length) return { verdict: null, reply: SILENT };
  const own = readGuardFile(join(where.dir, GUARD_FILE));
  if (!own) return { verdict: null, reply: SILENT };
  // Sessions of this state folder, and those other machines hold through the shared remote (its last fetch).
  const verdict = decide(where.root, own, ev.editPaths, [...otherGuards(where.root, own), ...remoteGuards(where.root, own.workspace, own.main)]);
  if (verdict.decision === 'deny') return { verdict, reply: replyFor(ev.agent, ev.event, verdict) };
  // An edit that goes ahead: what the radar knows of other sessions' committed changes to the same files.
  const note = radarNote(where, own.copy ?? own.main, ev.editPaths);
  if (!note) return { verdict, reply: replyFor(ev.agent, ev.event, verdict) };
  if (verdict.decision === 'warn') return { verdict, reply: replyFor(ev.agent, ev.event, { ...verdict, reason: `${verdict.reason} ${note}` }) };
  return { verdict, reply: contextReply(ev.agent, ev.event, note) };
}

/** The radar cache's note on these files (absolute), or null; one small JSON read, no git. */
function radarNote(where: Where, copy: string, files: readonly string[]): string | null {
  if (!copy) return null;
  const cache = readRadarCache(where.root, where.workspace);
  if (!cache) return null;
  let realCopy = copy;
  try {
    realCopy = realpathSync(copy);
  } catch {
    /* gone: the paths as given */
  }
  const rels = new Set<string>();
  for (const f of files) {
    for (const c of [copy, realCopy]) {
      const rel = relative(c, f);
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) rels.add(rel.split('\\').join('/'));
    }
  }
  if (!rels.size) return null;
  return overlapNote(cache, where.session, [...rels], (s) => validName(s) && isDir(join(where.root, where.workspace, s)));
}

/**
 * The events after which the hook refreshes the radar cache in the background (when it is old), and
 * every edit the guard judged: the PostToolUse hooks start node only now and then (fast-hook.ts).
 */
const AFTER_EVENTS = new Set(['claude PostToolUse', 'claude Stop', 'codex PostToolUse', 'codex Stop', 'gemini AfterTool', 'gemini AfterAgent', 'opencode tool.execute.after', 'opencode session.idle']);

async function refreshRadar(where: Where, input: HookInput): Promise<void> {
  try {
    if (!input.kitDir) return;
    const main = () => readGuardFile(join(where.dir, GUARD_FILE))?.main ?? null;
    await kickRefresh({ root: where.root, workspace: where.workspace, main, kitDir: input.kitDir, env: input.env });
  } catch {
    /* advice only */
  }
}

const HOST = hostname();

function record(where: Where, ev: AgentEvent, verdict: Verdict | null, input: HookInput): void {
  const agent = agentPid(input.ppid);
  const log: Record<string, unknown> = {};
  if (ev.editPaths?.length) log.paths = ev.editPaths;
  if (verdict) log.decision = verdict.decision;
  if (verdict && verdict.decision !== 'allow') log.reason = verdict.reason;
  recordAgentEvent(where.dir, where.workspace, where.session, { ...ev, log }, { pid: agent.pid, pinPid: agent.byName, host: HOST, alive: processAlive, startedMs: input.startedMs });
}
