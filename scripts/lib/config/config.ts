// parallel.config.yaml -> a typed, validated Config with defaults applied.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { UsageError } from '../core/errors.mjs';
import { RESERVED_WORKSPACES } from '../store/constants.ts';
import { envNameSchema, nameSchema } from '../store/names.ts';
import { AGENT_KINDS, CONFIG_FILE, configOf, CUSTOM_KIND, NO_AGENT } from './config-of.ts';
import { validBranchPattern } from '../remote/patterns.ts';

export { CONFIG_FILE } from './config-of.ts';
import { MODES } from '../store/schemas.ts';
export type Mode = (typeof MODES)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const componentSchema = z
  .object({
    paths: z.array(z.string().min(1)).min(1, 'expected at least one path'),
    description: z.string().default(''),
  })
  .strict();

/** Git-ignored build output that end-session deletes with the copy; any other ignored file is kept in the archive. */
export const DEFAULT_DISPOSABLE = [
  'node_modules/', '__pycache__/', '*.pyc', '*.pyo', '.venv/', 'venv/', '*.egg-info/', '.pytest_cache/', '.mypy_cache/', '.ruff_cache/',
  '.tox/', '.nox/', 'htmlcov/', '.coverage', 'coverage/', 'dist/', 'build/', 'target/', '.next/', '.nuxt/', '.svelte-kit/', '.turbo/',
  '.parcel-cache/', '.cache/', '.gradle/', '*.class', '*.o', '*.tsbuildinfo', '.eslintcache', '.DS_Store',
];

// The agents the kit knows how to configure (scripts/lib/agents/) and agent=none: in config-of.ts, zod-free.
export { AGENT_KINDS, NO_AGENT, type AgentKind } from './config-of.ts';
import type { AgentKind } from './config-of.ts';
export const GUARD_MODES = ['deny', 'warn', 'off'] as const;
export type GuardMode = (typeof GUARD_MODES)[number];

export { CUSTOM_KIND } from './config-of.ts';
export type LaunchKind = AgentKind | typeof CUSTOM_KIND;

const agentEntrySchema = z
  .object({
    /** Without a kind, `command` is a shell command of the user's own (make launch runs it through /bin/sh in the copy). */
    kind: z.enum(AGENT_KINDS).optional(),
    /** The program to run: the agent's binary or a wrapper (default: the kind's own name, from PATH). */
    command: z.string().min(1).optional(),
    /** Words added after the kit's own arguments (a custom command gets them as "$@"). */
    args: z.array(z.string()).default([]),
  })
  .strict()
  .refine((a) => a.kind !== undefined || a.command !== undefined, { message: `expected a kind (${AGENT_KINDS.join(', ')}) or a command` });

/** notify: when a session needs the person, or ended (scripts/lib/notify/). */
export const NOTIFY_EVENTS = ['waiting_input', 'failed', 'crashed', 'completed'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
const notifySchema = z
  .object({
    on: z.array(z.enum(NOTIFY_EVENTS)).default([...NOTIFY_EVENTS]),
    command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).nullable().default(null),
    dwell: z.number().min(0).default(5),
    cooldown: z.number().min(0).default(60),
  })
  .strict();
export type NotifyConfig = z.infer<typeof notifySchema>;
export const DEFAULT_NOTIFY: NotifyConfig = { on: [...NOTIFY_EVENTS], command: null, dwell: 5, cooldown: 60 };

const portRange = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}$/, "expected a range like '8001-8099'")
  .transform((s) => s.split('-').map(Number) as [number, number])
  .refine(([lo, hi]) => lo >= 1 && hi <= 65535 && lo <= hi, 'expected LOW-HIGH with 1 <= LOW <= HIGH <= 65535');

/** 30, '30s', '30m', '2h' -> seconds; anything else is left for the schema to refuse. */
function toSeconds(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^(\d+)\s*(s|m|h)?$/.exec(v.trim());
  return m ? Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1) : v;
}

export const configFileSchema = z
  .object({
    base: z.string().min(1).optional(),
    workspace: nameSchema.refine((w) => !(RESERVED_WORKSPACES as readonly string[]).includes(w), `${RESERVED_WORKSPACES.slice(0, -1).map((w) => `'${w}'`).join(', ')} and '${RESERVED_WORKSPACES.at(-1)}' are reserved`).default('sessions'),
    worktree_root: z.string().min(1).default('../{repo}-sessions'),
    mode: z.enum(MODES).default('worktree'),
    ports: z
      .object({ range: z.preprocess((v) => (typeof v === 'number' ? `${v}-${v}` : v), portRange).default([8001, 8099]), env: z.array(envNameSchema).default(['PORT']) })
      .strict()
      .default({ range: [8001, 8099], env: ['PORT'] }),
    profiles: z.record(nameSchema, z.record(envNameSchema, scalar)).default({ local: { PGPT_PROFILES: 'local' } }),
    components: z
      .record(nameSchema, componentSchema)
      .default({ server: { paths: ['internal_assistant/server/'], description: 'Backend API' } }),
    copy: z.array(z.string().min(1)).default(['.env']),
    /** mode=sparse: what every sparse copy checks out besides its component's paths (root files always). */
    sparse: z.array(z.string().min(1)).default([]),
    disposable: z.array(z.string().min(1)).default([...DEFAULT_DISPOSABLE]),
    setup: z.string().nullable().default('').transform((s) => s ?? ''),
    test: z.string().nullable().default('').transform((s) => s ?? ''),
    agent: z.string().min(1).nullable().default(null),
    agents: z.record(nameSchema.refine((n) => n !== NO_AGENT, `'${NO_AGENT}' is reserved (agent=${NO_AGENT} means no agent)`), agentEntrySchema).default({}),
    guard: z.enum(GUARD_MODES).default('deny'),
    pool: z.number().int().min(0).max(20).default(0),
    remote: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected the name of a git remote, like origin').default('origin'),
    remote_sessions: z.array(z.string().refine(validBranchPattern, 'expected a branch name or pattern with one * at most, like claude/*')).default(['claude/*', 'codex/*']),
    /** Sharing (scripts/lib/share/): the remote sessions and claims are published on, or null (off). */
    share: z.preprocess((v) => (v === false ? null : v), z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected the name of a git remote, like origin').nullable()).default(null),
    share_interval: z.preprocess(toSeconds, z.number().int().min(1, 'expected at least 1 second')).default(30),
    share_stale: z.preprocess(toSeconds, z.number().int().min(1, 'expected at least 1 second')).default(30 * 60),
    notify: notifySchema.default(DEFAULT_NOTIFY),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.agent !== null && !(AGENT_KINDS as readonly string[]).includes(c.agent) && !Object.hasOwn(c.agents, c.agent)) {
      ctx.addIssue({ code: 'custom', path: ['agent'], message: `'${c.agent}' is not an agent: expected one of ${AGENT_KINDS.join(', ')} or a name under agents:` });
    }
  });

export interface AgentEntry {
  kind: LaunchKind;
  command: string;
  args: string[];
}

export interface Config {
  /** Absolute path of the config file, or null when the defaults are used. */
  file: string | null;
  main: string;
  base: string;
  workspace: string;
  worktreeRoot: string;
  mode: Mode;
  ports: { low: number; high: number; env: string[] };
  profiles: Record<string, Record<string, string>>;
  components: Record<string, { paths: string[]; description: string }>;
  copy: string[];
  /** Paths or patterns every mode=sparse copy checks out besides its component's paths. */
  sparse: string[];
  /** gitignore-style patterns of ignored files that are build output (see DEFAULT_DISPOSABLE). */
  disposable: string[];
  setup: string;
  test: string;
  /** The agent new-session sets up when agent= is not given (null: none). */
  agent: string | null;
  /** Named agents of the config, besides the built-in kinds (which an entry of the same name replaces). */
  agents: Record<string, AgentEntry>;
  /** What the hook's guard does with an edit outside the session's lane. */
  guard: GuardMode;
  /** How many ready copies of the base the warm pool keeps (0: no pool). */
  pool: number;
  /** The shared remote that list-sessions remote=1, conflicts remote=1 and adopt look at. */
  remote: string;
  /** Branch patterns of the remote's sessions that no local session owns (web sessions): claude/*, codex/*. */
  remoteSessions: string[];
  /** The remote sessions and claims are published on (share: in the config), or null: sharing off. */
  share: string | null;
  /** Seconds: a session is pushed at most once per interval; a machine silent for share_stale is stale. */
  shareIntervalS: number;
  shareStaleS: number;
  /** Notifications: on which states, how (command), after how long (dwell), how often (cooldown). */
  notify: NotifyConfig;
}

function describeIssue(file: string, issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  let msg = issue.message;
  if (issue.code === 'unrecognized_keys') return `${file}: unknown key ${issue.keys.map((k) => `'${[...issue.path, k].join('.')}'`).join(', ')}; expected one of base, workspace, worktree_root, mode, ports, profiles, components, copy, sparse, disposable, setup, test, agent, agents, guard, pool, remote, remote_sessions, share, share_interval, share_stale, notify`;
  if (issue.code === 'invalid_value' && 'values' in issue) msg = `expected one of ${issue.values.join(', ')}`;
  return `${file}: ${key}: ${msg}`;
}

/** Parses config text; throws a one-line UsageError naming the file, the key and what is expected. */
export type ConfigData = z.infer<typeof configFileSchema>;

export function parseConfigText(text: string, file: string): ConfigData {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${file}: expected a mapping of keys (base, workspace, ...)`);
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(describeIssue(file, parsed.error.issues[0] as z.core.$ZodIssue));
  return parsed.data;
}

export async function loadConfig(main: string): Promise<Config> {
  const file = join(main, CONFIG_FILE);
  const present = existsSync(file);
  return configOf(main, present ? file : null, parseConfigText(present ? readFileSync(file, 'utf8') : '', CONFIG_FILE));
}
