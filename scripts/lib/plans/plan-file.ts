// A plan file (YAML) -> a checked Plan: its shape with zod, then what only the config knows (components,
// agents, profiles) and what only the whole list knows (duplicates, unknown names, cycles). Every error is
// one line naming the file, the line and the key.
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import * as z from 'zod';
import { UsageError } from '../core/errors.mjs';
import { RESERVED_WORKSPACES } from '../store/constants.ts';
import { nameSchema } from '../store/names.ts';
import { KINDS, MODES } from '../store/schemas.ts';
import type { Config } from '../config/config.ts';
import { findCycle } from './graph.ts';

const names = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(nameSchema));

export const planSessionSchema = z
  .object({
    name: nameSchema,
    component: z.string().min(1),
    kind: z.enum(KINDS).default('feature'),
    agent: z.string().min(1).optional(),
    prompt: z.string().default(''),
    after: names.default([]),
    interactive: z.boolean().default(false),
    base: z.string().min(1).optional(),
    mode: z.enum(MODES).optional(),
    profile: z.string().min(1).optional(),
    shared: z.boolean().default(false),
  })
  .strict();
export type PlanSession = z.infer<typeof planSessionSchema>;

export const planFileSchema = z
  .object({
    workspace: nameSchema.refine((w) => !(RESERVED_WORKSPACES as readonly string[]).includes(w), `${RESERVED_WORKSPACES.join(', ')} are reserved`),
    sessions: z.array(planSessionSchema).min(1, 'expected at least one session'),
  })
  .strict();
export type Plan = z.infer<typeof planFileSchema>;

type Path = (string | number)[];

/** `sessions[1].after` for people; the line of the deepest node the document has on that path. */
function where(doc: Document, lines: LineCounter, path: Path): { key: string; line: number | null } {
  const key = path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || '(top level)';
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const at = node && typeof node === 'object' && node.range ? node.range[0] : undefined;
    if (at !== undefined) return { key, line: lines.linePos(at).line };
  }
  return { key, line: null };
}

function fail(file: string, doc: Document, lines: LineCounter, path: Path, message: string): never {
  const w = where(doc, lines, path);
  throw new UsageError(`${file}${w.line ? `:${w.line}` : ''}: ${w.key}: ${message}`);
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_value' && 'values' in issue) return `expected one of ${issue.values.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return issue.message;
}

export interface ParsedPlan {
  plan: Plan;
  /** `file:line: sessions[i].key` for an error found later (new-session's own checks). */
  at: (path: Path) => string;
}

/** Parses and checks a plan's text against the config; throws a one-line UsageError (file:line: key: what). */
export function parsePlan(text: string, file: string, config: Config): ParsedPlan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const bad = doc.errors[0];
  if (bad) {
    const line = bad.linePos?.[0]?.line ?? lines.linePos(bad.pos[0]).line;
    throw new UsageError(`${file}:${line}: not valid YAML: ${bad.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) throw new UsageError(`${file}:1: expected a mapping with workspace: and sessions:`);
  const sessionsNode = doc.get('sessions', true);
  if (sessionsNode !== undefined && !isSeq(sessionsNode)) fail(file, doc, lines, ['sessions'], 'expected a list of sessions');
  const parsed = planFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const path = issue.path as Path;
    fail(file, doc, lines, issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] as string] : path, issueText(issue));
  }
  const plan = parsed.data;
  const seen = new Map<string, number>();
  plan.sessions.forEach((s, i) => {
    const at = (key: string, msg: string) => fail(file, doc, lines, ['sessions', i, key], msg);
    if (seen.has(s.name)) at('name', `'${s.name}' is also the name of sessions[${seen.get(s.name)}]; names must be unique`);
    seen.set(s.name, i);
    if (!config.components[s.component]) at('component', `'${s.component}' is not a component of ${config.file ? 'parallel.config.yaml' : 'the default config'} (${Object.keys(config.components).join(', ')})`);
    if (s.profile && !config.profiles[s.profile]) at('profile', `'${s.profile}' is not a profile of the config (${Object.keys(config.profiles).join(', ') || 'none'})`);
    if (!s.agent && !config.agent) at('agent', 'is required (the config names no agent:)');
    if (!s.interactive && !s.prompt.trim()) at('prompt', 'is required for a headless session (or set interactive: true)');
  });
  plan.sessions.forEach((s, i) => {
    s.after.forEach((dep, j) => {
      if (!seen.has(dep)) fail(file, doc, lines, ['sessions', i, 'after', j], `'${dep}' is not a session of this plan (${[...seen.keys()].join(', ')})`);
      if (dep === s.name) fail(file, doc, lines, ['sessions', i, 'after', j], `'${dep}' cannot wait for itself`);
    });
  });
  const cycle = findCycle(plan.sessions.map((s) => ({ name: s.name, after: s.after })));
  if (cycle) fail(file, doc, lines, ['sessions', seen.get(cycle[0] as string) as number, 'after'], `a cycle: ${cycle.join(' -> ')}; nothing was created`);
  return {
    plan,
    at: (path) => {
      const w = where(doc, lines, path);
      return `${file}${w.line ? `:${w.line}` : ''}: ${w.key}`;
    },
  };
}
