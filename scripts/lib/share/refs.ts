// Where sharing keeps things in git: on the remote under refs/parallel/, and here, after the one fetch a
// command makes (scripts/lib/remote/), under refs/parallel-remote/<remote>/. Each ref is a commit whose
// tree holds one JSON blob. Plumbing only (hash-object, mktree, commit-tree): no work tree is touched.
import { git, gitRaw } from '../git/repo.ts';
import { byText } from '../core/order.ts';
import { fetchedRefs, forgetFetchedRefs, type FetchedRef, type RefsContext } from '../remote/refs.ts';

export const SESSION_BLOB = 'session.json';
export const CLAIM_BLOB = 'claim.json';

/** refs/parallel/sessions/<machine>/<workspace>/<name> on the remote. */
export const sessionRef = (machineKey: string, workspace: string, name: string) => `refs/parallel/sessions/${machineKey}/${workspace}/${name}`;
/** refs/parallel/claims/<workspace>/<component> on the remote. */
export const claimRef = (workspace: string, component: string) => `refs/parallel/claims/${workspace}/${component}`;
/** Where the fetch puts the remote's refs/parallel/<rest>: refs/parallel-remote/<remote>/<rest>. */
export const trackingPrefix = (remote: string) => `refs/parallel-remote/${remote}/`;
export const trackingRef = (remote: string, ref: string) => `${trackingPrefix(remote)}${ref.replace(/^refs\/parallel\//, '')}`;

/** Who the kit's own commits are by: nobody's address, so that none is published. */
const IDENTITY = ['-c', 'user.name=parallel-kit', '-c', 'user.email=parallel-kit@localhost'];

/**
 * A commit (no parent) whose tree holds `value` as `file`, and whose message holds it too, on one line after
 * the subject: a reader gets every ref's value from the one for-each-ref of its command (remote/refs.ts),
 * and reads the blob only for a commit without it. Returns its id; the objects go to the main repository.
 */
export async function writeJsonCommit(main: string, file: string, value: unknown, message: string): Promise<string> {
  const blob = (await git(main, ['hash-object', '-w', '--stdin'], `${JSON.stringify(value, null, 2)}\n`)).trim();
  const tree = (await git(main, ['mktree'], `100644 blob ${blob}\t${file}\n`)).trim();
  return (await git(main, [...IDENTITY, 'commit-tree', tree, '-m', message, '-m', JSON.stringify(value)])).trim();
}

/** The JSON object a commit's body holds, or undefined when it holds none (a commit of an older kit: read its blob). */
function bodyValue(body: string): Record<string, unknown> | undefined {
  const text = body.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface RefEntry<T> {
  /** The ref as on the remote (refs/parallel/...). */
  ref: string;
  commit: string;
  /** When the commit was made (ms since the epoch): when it was last published. */
  committedMs: number;
  /** The blob's JSON, or null when it is missing or not JSON. */
  value: T | null;
}

/** The remote's published sessions and claims as this command's snapshot has them. */
export interface Tracked {
  sessions: RefEntry<Record<string, unknown>>[];
  claims: RefEntry<Record<string, unknown>>[];
}

const tracked = new WeakMap<Promise<Map<string, FetchedRef>>, Promise<Tracked>>();

/**
 * Every session and claim under refs/parallel-remote/<remote>/ with its JSON: from the command's one
 * for-each-ref (remote/'s snapshot, which carries each commit's message), read once per snapshot (every
 * reader of the command shares it); commits without it in their message, in one `git cat-file --batch`.
 */
export function trackedRefs(ctx: RefsContext, remote: string): Promise<Tracked> {
  const snapshot = fetchedRefs(ctx, remote);
  let p = tracked.get(snapshot);
  if (!p) tracked.set(snapshot, (p = snapshot.then((refs) => readBlobs(ctx.main, remote, refs))));
  return p;
}

async function readBlobs(main: string, remote: string, refs: ReadonlyMap<string, FetchedRef>): Promise<Tracked> {
  const prefix = trackingPrefix(remote);
  const rows: { ref: string; commit: string; committedMs: number; file: string; kind: keyof Tracked; value: Record<string, unknown> | null | undefined }[] = [];
  for (const r of refs.values()) {
    if (!r.ref.startsWith(prefix)) continue;
    const rest = r.ref.slice(prefix.length);
    const kind = rest.startsWith('sessions/') ? 'sessions' : rest.startsWith('claims/') ? 'claims' : null;
    if (kind) rows.push({ ref: `refs/parallel/${rest}`, commit: r.tip, committedMs: r.committedS * 1000, file: kind === 'sessions' ? SESSION_BLOB : CLAIM_BLOB, kind, value: bodyValue(r.body) });
  }
  rows.sort((a, b) => byText(a.ref, b.ref));
  // Only commits whose message holds no value (an older kit's) cost a read of their blob: one cat-file for all.
  const blobless = rows.filter((e) => e.value === undefined);
  if (blobless.length) {
    const r = await gitRaw(main, ['cat-file', '--batch'], blobless.map((e) => `${e.commit}:${e.file}`).join('\n') + '\n');
    parseBatch(r.stdout, blobless.length).forEach((v, i) => ((blobless[i] as (typeof rows)[number]).value = v as Record<string, unknown> | null));
  }
  const out: Tracked = { sessions: [], claims: [] };
  for (const e of rows) out[e.kind].push({ ref: e.ref, commit: e.commit, committedMs: e.committedMs, value: e.value ?? null });
  return out;
}

/** `git cat-file --batch` output: per request a header and content, or a "missing" line. */
function parseBatch(out: string, n: number): unknown[] {
  const values: unknown[] = [];
  const buf = Buffer.from(out, 'utf8');
  let at = 0;
  for (let i = 0; i < n && at < buf.length; i++) {
    const nl = buf.indexOf(10, at);
    const header = buf.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const m = /^\S+ (\S+) (\d+)$/.exec(header);
    if (!m) {
      values.push(null);
      continue;
    }
    const size = Number(m[2]);
    const body = buf.subarray(at, at + size).toString('utf8');
    at += size + 1;
    try {
      values.push(m[1] === 'blob' ? JSON.parse(body) : null);
    } catch {
      values.push(null);
    }
  }
  while (values.length < n) values.push(null);
  return values;
}

/**
 * Points the local copies of remote refs at the commits this machine just pushed there (null: removes
 * them), in one `git update-ref --stdin`; the command's snapshot is read again by the next reader.
 */
export async function setTracked(ctx: RefsContext, remote: string, updates: readonly { ref: string; commit: string | null }[]): Promise<void> {
  if (!updates.length) return;
  forgetFetchedRefs(ctx);
  const lines = updates.map((u) => (u.commit ? `update ${trackingRef(remote, u.ref)} ${u.commit}` : `delete ${trackingRef(remote, u.ref)}`));
  await gitRaw(ctx.main, ['update-ref', '--stdin'], `${lines.join('\n')}\n`);
}
