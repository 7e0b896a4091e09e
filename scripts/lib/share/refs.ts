// Where sharing keeps things in git: on the remote under refs/parallel/, and here, after the one fetch a
// command makes (scripts/lib/remote/), under refs/parallel-remote/<remote>/. Each ref is a commit whose
// tree holds one JSON blob. Plumbing only (hash-object, mktree, commit-tree): no work tree is touched.
import { git, gitRaw } from '../git/repo.ts';

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

/** A commit (no parent) whose tree holds `value` as `file`; returns its id. The objects go to the main repository. */
export async function writeJsonCommit(main: string, file: string, value: unknown, message: string): Promise<string> {
  const blob = (await git(main, ['hash-object', '-w', '--stdin'], `${JSON.stringify(value, null, 2)}\n`)).trim();
  const tree = (await git(main, ['mktree'], `100644 blob ${blob}\t${file}\n`)).trim();
  return (await git(main, [...IDENTITY, 'commit-tree', tree, '-m', message])).trim();
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

/** Every ref under refs/parallel-remote/<remote>/<under>, with its JSON blob: two git processes whatever their number. */
export async function readTracked<T>(main: string, remote: string, under: string, file: string): Promise<RefEntry<T>[]> {
  const prefix = trackingPrefix(remote);
  const out = await git(main, ['for-each-ref', '--format=%(objectname) %(committerdate:unix) %(refname)', `${prefix}${under}`]);
  const rows = out.split('\n').filter(Boolean).map((l) => {
    const [commit = '', date = '0', ...rest] = l.split(' ');
    return { commit, committedMs: Number(date) * 1000, ref: `refs/parallel/${rest.join(' ').slice(prefix.length)}` };
  });
  if (!rows.length) return [];
  const r = await gitRaw(main, ['cat-file', '--batch'], rows.map((e) => `${e.commit}:${file}`).join('\n') + '\n');
  const values = parseBatch(r.stdout, rows.length);
  return rows.map((e, i) => ({ ...e, value: values[i] as T | null }));
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

/** Points the local copy of a remote ref at `commit` (null: removes it) after a push of ours went through. */
export async function setTracked(main: string, remote: string, ref: string, commit: string | null): Promise<void> {
  const local = trackingRef(remote, ref);
  await gitRaw(main, commit ? ['update-ref', local, commit] : ['update-ref', '-d', local]);
}
