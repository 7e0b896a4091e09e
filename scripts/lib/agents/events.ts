// What an agent's hook event says: (agent, event, payload) -> state, message, edited paths. Pure; built-ins only.
import { isAbsolute, resolve } from 'node:path';

export const AGENTS = ['claude', 'codex', 'gemini', 'opencode', 'aider', 'custom'] as const;
export type AgentName = (typeof AGENTS)[number];

/** The states a hook writes (the tracker's `running` and `failed`, and the three of the agents). */
export type AgentState = 'running' | 'waiting_input' | 'idle' | 'failed' | 'ended';

export interface AgentEvent {
  agent: AgentName;
  /** The event's name, as the agent spells it. */
  event: string;
  state?: AgentState;
  /** Something worth showing: what the agent asks, its last words, its error (trimmed). */
  message?: string;
  /** From a subagent (the payload has `agent_id`): logged, changes no state. */
  subagent: boolean;
  /** The tool the event is about, if any. */
  tool?: string;
  /** Absolute paths an edit tool is about to write (only on the event before the tool runs). */
  editPaths?: string[];
  /** Gemini: BeforeAgent opens a turn, AfterAgent closes it; a SessionEnd inside an open turn is a failure. */
  turn?: 'open' | 'close';
  /** Gemini's SessionEnd: `failed` when a turn is still open. */
  failsInTurn?: boolean;
  /** Codex notify: the thread it is about (the title thread has its own). */
  thread?: string;
  /** The agent's own session id, when the payload gives it. */
  agentSession?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const MESSAGE_MAX = 200;
/** One line, at most MESSAGE_MAX characters. */
export function trimMessage(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line || undefined;
}

/** The files a Codex apply_patch touches: its `*** Add File:`, `Update File:`, `Delete File:`, `Move to:` headers. */
export function patchPaths(patch: string): string[] {
  const out: string[] = [];
  for (const m of patch.matchAll(/^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$/gm)) {
    const p = m[1] as string;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

const CLAUDE_EDITS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
const GEMINI_EDITS = new Set(['write_file', 'replace']);
const OPENCODE_EDITS = new Set(['write', 'edit']);

function absolutes(paths: readonly (string | undefined)[], cwd: string | undefined): string[] | undefined {
  const given = paths.filter((p): p is string => Boolean(p));
  if (!given.length) return undefined;
  return given.map((p) => (isAbsolute(p) ? resolve(p) : resolve(cwd ?? '/', p)));
}

/** Bus events reach OpenCode's plugin as `{type, properties}`; the plugin may pass either, or the properties alone. */
function opencodeProps(p: Json): Json {
  return { ...p, ...obj(obj(p.event).properties), ...obj(p.properties) };
}

function claude(event: string, p: Json): Partial<AgentEvent> {
  const tool = str(p.tool_name);
  const input = obj(p.tool_input);
  switch (event) {
    case 'UserPromptSubmit':
    case 'PostToolUse':
      return { state: 'running', tool };
    case 'PreToolUse':
      return { state: 'running', tool, editPaths: tool && CLAUDE_EDITS.has(tool) ? absolutes([str(input.file_path), str(input.notebook_path)], str(p.cwd)) : undefined };
    case 'PermissionRequest':
      return { state: 'waiting_input', tool, message: tool ? `asks to use ${tool}` : 'asks for permission' };
    case 'Notification': {
      const type = str(p.notification_type) ?? '';
      const message = trimMessage(str(p.message));
      if (type === 'permission_prompt' || type.startsWith('elicitation')) return { state: 'waiting_input', message };
      if (type === 'idle_prompt') return { state: 'idle', message };
      return { message };
    }
    case 'Stop':
      return { state: 'idle', message: trimMessage(str(p.last_assistant_message)) };
    case 'StopFailure':
      // 2.1.197 says `error: "unknown"` for an HTTP 400; the API's own words come in last_assistant_message.
      return { state: 'failed', message: trimMessage(`the agent stopped on an error: ${str(p.error) ?? 'unknown'}${str(p.last_assistant_message) ? ` (${str(p.last_assistant_message)})` : ''}`) };
    case 'SessionEnd':
      return { state: 'ended', message: trimMessage(`session ended (${str(p.reason) ?? 'no reason given'})`) };
    default:
      return {};
  }
}

function codex(event: string, p: Json): Partial<AgentEvent> {
  const tool = str(p.tool_name);
  const input = obj(p.tool_input);
  switch (event) {
    case 'UserPromptSubmit':
    case 'PostToolUse':
      return { state: 'running', tool };
    case 'PreToolUse': {
      const patch = tool === 'apply_patch' ? (str(input.command) ?? str(input.patch) ?? str(input.input) ?? (typeof p.tool_input === 'string' ? p.tool_input : undefined)) : undefined;
      return { state: 'running', tool, editPaths: patch ? absolutes(patchPaths(patch), str(p.cwd)) : undefined };
    }
    case 'PermissionRequest':
      return { state: 'waiting_input', tool, message: tool ? `asks to use ${tool}` : 'asks for permission' };
    case 'Stop':
      return { state: 'idle', message: trimMessage(str(p.last_assistant_message)) };
    case 'notify':
      // The kit's launch command names the event `notify` in argv (-c notify=[..., "codex", "notify", dir=]): the payload's type says which.
      return str(p.type) && str(p.type) !== 'notify' ? codex(str(p.type)!, p) : {};
    case 'agent-turn-complete':
      return { state: 'idle', message: trimMessage(str(p['last-assistant-message'])), thread: str(p['thread-id']) };
    case 'SessionEnd':
      return { state: 'ended', message: 'session ended' };
    default:
      return {};
  }
}

function gemini(event: string, p: Json): Partial<AgentEvent> {
  const tool = str(p.tool_name);
  const input = obj(p.tool_input);
  switch (event) {
    case 'BeforeAgent':
      return { state: 'running', turn: 'open' };
    case 'AfterTool':
      return { state: 'running', tool };
    case 'BeforeTool':
      return { state: 'running', tool, editPaths: tool && GEMINI_EDITS.has(tool) ? absolutes([str(input.file_path), str(input.absolute_path)], str(p.cwd)) : undefined };
    case 'Notification':
      return str(p.notification_type) === 'ToolPermission' ? { state: 'waiting_input', message: trimMessage(str(p.message)) ?? 'asks for permission' } : { message: trimMessage(str(p.message)) };
    case 'AfterAgent':
      return { state: 'idle', turn: 'close', message: trimMessage(str(p.prompt_response)) };
    case 'SessionEnd':
      return { state: 'ended', failsInTurn: true, message: trimMessage(`session ended (${str(p.reason) ?? 'no reason given'})`) };
    default:
      return {};
  }
}

/** OpenCode reports idle right after session.error; the kit's plugin marks that idle `after_error`: it keeps the failure. */
function idleUnlessFailed(raw: Json): Partial<AgentEvent> {
  return raw.after_error === true ? { message: 'idle after session.error: still failed' } : { state: 'idle' };
}

function opencode(event: string, raw: Json): Partial<AgentEvent> {
  const p = opencodeProps(raw);
  const tool = str(p.tool) ?? str(obj(p.input).tool);
  switch (event) {
    case 'session.status': {
      const status = str(obj(p.status).type) ?? str(p.status);
      return status === 'busy' ? { state: 'running' } : status === 'idle' ? idleUnlessFailed(raw) : {};
    }
    case 'tool.execute.before': {
      const args = { ...obj(p.args), ...obj(obj(p.output).args) };
      return { state: 'running', tool, editPaths: tool && OPENCODE_EDITS.has(tool) ? absolutes([str(args.filePath)], str(p.cwd) ?? str(p.directory)) : undefined };
    }
    case 'tool.execute.after':
    case 'permission.replied':
      return { state: 'running', tool };
    case 'permission.asked':
    case 'permission.updated':
      return { state: 'waiting_input', message: trimMessage(str(p.title)) ?? 'asks for permission' };
    case 'session.idle':
      return idleUnlessFailed(raw);
    case 'session.error': {
      const e = obj(p.error);
      return { state: 'failed', message: trimMessage(`the agent stopped on an error: ${str(obj(e.data).message) ?? str(e.name) ?? str(e.message) ?? 'unknown'}`) };
    }
    default:
      return {};
  }
}

function aider(event: string, p: Json): Partial<AgentEvent> {
  // Aider's one signal: --notifications-command runs when it waits for the person (the kit's launch command names it `notify`).
  return event === 'notification' || event === 'notifications' || event === 'notify' ? { state: 'waiting_input', message: trimMessage(str(p.message)) ?? 'waits for input' } : {};
}

/** The states a custom command (an `agents:` entry without a kind) reports through bin/parallel-hook: the event is the state. */
export const CUSTOM_STATES = ['running', 'waiting_input', 'idle', 'failed', 'ended'] as const;

function custom(event: string, p: Json): Partial<AgentEvent> {
  const state = (CUSTOM_STATES as readonly string[]).includes(event) ? (event as AgentState) : undefined;
  return { state, message: trimMessage(str(p.message)) };
}

/** The event name: from argv, else the payload's `hook_event_name` (Codex notify and OpenCode: `type`). */
export function eventName(agent: AgentName, argvEvent: string | undefined, payload: Json): string {
  if (argvEvent) return argvEvent;
  const named = str(payload.hook_event_name) ?? str(payload.type) ?? str(obj(payload.event).type);
  return named ?? (agent === 'aider' ? 'notification' : '');
}

export function isAgent(name: string): name is AgentName {
  return (AGENTS as readonly string[]).includes(name);
}

/** What the event says. The caller decides what it changes (subagents, order, the session's state). */
export function interpret(agent: AgentName, event: string, payload: unknown): AgentEvent {
  const p = obj(payload);
  const read = { claude, codex, gemini, opencode, aider, custom }[agent](event, p);
  const subagent = str(p.agent_id) !== undefined;
  const agentSession = str(p.session_id) ?? str(p.sessionID) ?? str(opencodeProps(p).sessionID);
  const out: AgentEvent = { agent, event, subagent, ...read };
  if (agentSession) out.agentSession = agentSession;
  for (const k of Object.keys(out) as (keyof AgentEvent)[]) if (out[k] === undefined) delete out[k];
  return out;
}
