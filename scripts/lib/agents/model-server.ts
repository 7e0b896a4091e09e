// A scripted model server for the real agent CLIs, offline: plain Node http on 127.0.0.1 (random port).
// It speaks the four wire protocols the agents use (see docs/agents-offline.md):
//   Claude   POST /v1/messages                                Anthropic messages, SSE
//   Codex    POST /v1/responses                               OpenAI responses, SSE
//   Gemini   POST /v1beta/models/<m>:streamGenerateContent     Gemini, SSE (alt=sse)
//   OpenCode POST /v1/chat/completions                        OpenAI chat completions, SSE
// The script is a list of turns; each is text, one tool call, or an HTTP error. The server keeps no
// state: the reply is script[n], n = the assistant turns already in the request (so retries get the
// same reply). After the script: the text "done". Side requests (titles: no tools offered) get plain text.
// Every request is logged (path and parsed body) so a test can assert what reached the model.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Turn =
  | { text: string }
  /** One tool call. `input` is the arguments object, or for Codex's custom apply_patch tool the raw patch text. */
  | { tool: string; input: Record<string, unknown> | string; text?: string }
  /** An HTTP error with this status. */
  | { error: number; message?: string };

export type Wire = 'anthropic' | 'responses' | 'gemini' | 'chat' | 'other';

export interface LoggedRequest {
  method: string;
  path: string;
  wire: Wire;
  /** A side request (title, no tools): answered with plain text, not from the script. */
  side: boolean;
  /** Index into the script the reply came from (-1: side request or not a model call). */
  turn: number;
  body: unknown;
  at: number;
}

export interface ModelServer {
  url: string;
  port: number;
  requests: LoggedRequest[];
  /** The model requests answered from the script (no side requests, no HEAD / GET). */
  turns(): LoggedRequest[];
  /** Replaces the script (the same server serves the next run). */
  setScript(turns: Turn[]): void;
  close(): Promise<void>;
}

export const SIDE_TEXT = 'Scripted title';
export const DONE_TEXT = 'done';

type Json = Record<string, any>;

function countAssistant(wire: Wire, body: Json): number {
  switch (wire) {
    case 'anthropic':
      return (body.messages ?? []).filter((m: Json) => m.role === 'assistant').length;
    case 'chat':
      return (body.messages ?? []).filter((m: Json) => m.role === 'assistant').length;
    case 'gemini':
      return (body.contents ?? []).filter((c: Json) => c.role === 'model').length;
    case 'responses': {
      // Consecutive assistant items (a message then a call) are one turn: count the tool outputs, plus a
      // final assistant message that no output follows.
      const input: Json[] = Array.isArray(body.input) ? body.input : [];
      let n = 0;
      let open = false;
      for (const it of input) {
        const assistant = it.type === 'function_call' || it.type === 'custom_tool_call' || (it.type === 'message' && it.role === 'assistant');
        if (assistant) open = true;
        else if (it.type === 'function_call_output' || it.type === 'custom_tool_call_output') {
          if (open) n++;
          open = false;
        } else if (it.type === 'message' && it.role === 'user') {
          if (open) n++;
          open = false;
        }
      }
      return n + (open ? 1 : 0);
    }
    default:
      return 0;
  }
}

function isSide(wire: Wire, body: Json, url: string): boolean {
  if (wire === 'gemini') return !url.includes(':streamGenerateContent');
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length === 0) return true;
  if (wire === 'responses') {
    // Codex's title thread: its own instructions about a title.
    const first = JSON.stringify(body.input ?? '').slice(0, 4000);
    if (/generate a (concise )?title|thread title/i.test(String(body.instructions ?? '').slice(0, 2000) + first)) return true;
  }
  return false;
}

const sse = (res: ServerResponse, events: Array<[string | null, unknown]>) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'close' });
  for (const [event, data] of events) {
    if (event) res.write(`event: ${event}\n`);
    res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
};

let ids = 0;
const id = (p: string) => `${p}_${Date.now().toString(36)}${(++ids).toString(36)}`;

function anthropic(res: ServerResponse, turn: Turn, body: Json): void {
  const model = body.model ?? 'claude-test';
  const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const blocks: Array<{ start: Json; delta?: Json }> = [];
  if ('text' in turn && turn.text) blocks.push({ start: { type: 'text', text: '' }, delta: { type: 'text_delta', text: turn.text } });
  let stop = 'end_turn';
  if ('tool' in turn) {
    stop = 'tool_use';
    blocks.push({
      start: { type: 'tool_use', id: id('toolu'), name: turn.tool, input: {} },
      delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.input) },
    });
  }
  if (body.stream === false || body.stream === undefined) {
    const content = blocks.map((b) => (b.start.type === 'text' ? { type: 'text', text: b.delta!.text } : { ...b.start, input: 'tool' in turn ? turn.input : {} }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: id('msg'), type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage }));
    return;
  }
  const ev: Array<[string, unknown]> = [
    ['message_start', { type: 'message_start', message: { id: id('msg'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } }],
  ];
  blocks.forEach((b, index) => {
    ev.push(['content_block_start', { type: 'content_block_start', index, content_block: b.start }]);
    if (b.delta) ev.push(['content_block_delta', { type: 'content_block_delta', index, delta: b.delta }]);
    ev.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  ev.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } }]);
  ev.push(['message_stop', { type: 'message_stop' }]);
  sse(res, ev);
}

function responses(res: ServerResponse, turn: Turn): void {
  const rid = id('resp');
  const ev: Array<[string, unknown]> = [['response.created', { type: 'response.created', response: { id: rid } }]];
  let index = 0;
  const text = 'text' in turn ? turn.text : undefined;
  if (text) {
    const mid = id('msg');
    ev.push(['response.output_item.added', { type: 'response.output_item.added', output_index: index, item: { type: 'message', role: 'assistant', id: mid, content: [] } }]);
    ev.push(['response.output_text.delta', { type: 'response.output_text.delta', item_id: mid, output_index: index, content_index: 0, delta: text }]);
    ev.push(['response.output_item.done', { type: 'response.output_item.done', output_index: index, item: { type: 'message', role: 'assistant', id: mid, content: [{ type: 'output_text', text }] } }]);
    index++;
  }
  if ('tool' in turn) {
    const call_id = id('call');
    const item =
      typeof turn.input === 'string'
        ? { type: 'custom_tool_call', id: id('ctc'), call_id, name: turn.tool, input: turn.input, status: 'completed' }
        : { type: 'function_call', id: id('fc'), call_id, name: turn.tool, arguments: JSON.stringify(turn.input), status: 'completed' };
    ev.push(['response.output_item.added', { type: 'response.output_item.added', output_index: index, item }]);
    ev.push(['response.output_item.done', { type: 'response.output_item.done', output_index: index, item }]);
  }
  ev.push([
    'response.completed',
    { type: 'response.completed', response: { id: rid, usage: { input_tokens: 10, input_tokens_details: null, output_tokens: 5, output_tokens_details: null, total_tokens: 15 } } },
  ]);
  sse(res, ev);
}

function gemini(res: ServerResponse, turn: Turn, stream: boolean): void {
  const parts: Json[] = [];
  if ('text' in turn && turn.text) parts.push({ text: turn.text });
  if ('tool' in turn) parts.push({ functionCall: { name: turn.tool, args: turn.input } });
  const data = {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: 'gemini-test',
  };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(data));
    return;
  }
  sse(res, [[null, data]]);
}

function chat(res: ServerResponse, turn: Turn, body: Json): void {
  const cid = id('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const model = body.model ?? 'm';
  const chunk = (delta: Json, finish_reason: string | null, extra: Json = {}) => ({
    id: cid,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason }],
    ...extra,
  });
  const ev: Array<[null, unknown]> = [[null, chunk({ role: 'assistant', content: '' }, null)]];
  const text = 'text' in turn ? turn.text : undefined;
  if (text) ev.push([null, chunk({ content: text }, null)]);
  let finish = 'stop';
  if ('tool' in turn) {
    finish = 'tool_calls';
    ev.push([null, chunk({ tool_calls: [{ index: 0, id: id('call'), type: 'function', function: { name: turn.tool, arguments: JSON.stringify(turn.input) } }] }, null)]);
  }
  ev.push([null, chunk({}, finish, { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })]);
  ev.push([null, '[DONE]']);
  sse(res, ev);
}

function wireOf(method: string, path: string): Wire {
  if (method !== 'POST') return 'other';
  if (path.endsWith('/messages')) return 'anthropic';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.includes('/models/') && /:(stream)?generateContent/i.test(path)) return 'gemini';
  return 'other';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startModelServer(script: Turn[] = []): Promise<ModelServer> {
  let turns = script;
  const requests: LoggedRequest[] = [];
  const server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const raw = await readBody(req).catch(() => '');
    let body: Json = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = { raw };
    }
    const wire = wireOf(method, path);
    const log: LoggedRequest = { method, path: url, wire, side: false, turn: -1, body, at: Date.now() };
    requests.push(log);
    try {
      if (wire === 'other') {
        if (path.endsWith(':countTokens')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ totalTokens: 10 }));
          return;
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found', type: 'not_found_error' } }));
        return;
      }
      let turn: Turn;
      if (isSide(wire, body, url)) {
        log.side = true;
        turn = { text: SIDE_TEXT };
      } else {
        log.turn = countAssistant(wire, body);
        turn = turns[log.turn] ?? { text: DONE_TEXT };
      }
      if ('error' in turn) {
        const message = turn.message ?? `scripted error ${turn.error}`;
        res.writeHead(turn.error, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message, code: turn.error, status: 'INVALID_ARGUMENT' } }));
        return;
      }
      if (wire === 'anthropic') anthropic(res, turn, body);
      else if (wire === 'responses') responses(res, turn);
      else if (wire === 'gemini') gemini(res, turn, url.includes(':streamGenerateContent'));
      else chat(res, turn, body);
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    turns: () => requests.filter((r) => r.wire !== 'other' && !r.side),
    setScript: (t) => {
      turns = t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A turn that writes `content` to `file` with the agent's own write tool (file absolute; Codex: relative to cwd is fine). */
export function writeTurn(agent: 'claude' | 'codex' | 'gemini' | 'opencode', file: string, content: string, cwd?: string): Turn {
  switch (agent) {
    case 'claude':
      return { tool: 'Write', input: { file_path: file, content } };
    case 'codex': {
      const rel = cwd && file.startsWith(cwd + '/') ? file.slice(cwd.length + 1) : file;
      const body = content.replace(/\n$/, '').split('\n').map((l) => `+${l}`).join('\n');
      return { tool: 'apply_patch', input: `*** Begin Patch\n*** Add File: ${rel}\n${body}\n*** End Patch\n` };
    }
    case 'gemini':
      return { tool: 'write_file', input: { file_path: file, content } };
    case 'opencode':
      return { tool: 'write', input: { filePath: file, content } };
  }
}

/** Codex's shell tool. */
export function shellTurn(cmd: string): Turn {
  return { tool: 'exec_command', input: { cmd } };
}
