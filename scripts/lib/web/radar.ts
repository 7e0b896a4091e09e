// The conflict radar with the remote's branches (web sessions) beside the local sessions: the radar's own
// entry points, the branches given as component-less branch sessions named <remote>/<branch>.
import type { Context } from '../config/context.ts';
import { conflictMarks, conflictRadar, type Radar, type RadarOptions } from '../conflicts/radar.ts';
import { fetchForCommand, type RemoteFetch } from '../remote/fetch.ts';
import { fetchedTips } from '../remote/refs.ts';
import type { SessionRecord } from '../store/schemas.ts';
import { readSessionsQuick } from '../store/quick.ts';
import { radarRecord, unownedBranches, type RemoteBranch } from './branches.ts';

/** What the remote looks like to this command: the one fetch's outcome and the branches no local session owns. */
export interface RemoteView {
  fetch: RemoteFetch;
  branches: RemoteBranch[];
}

export async function remoteView(ctx: Context, records?: readonly SessionRecord[]): Promise<RemoteView> {
  const fetch = await fetchForCommand(ctx);
  return { fetch, branches: await unownedBranches(ctx, records ? [...records] : undefined) };
}

/** The radar's refs/heads/ and refs/remotes/origin/ out of the command's one read of the refs (remote/refs.ts). */
function radarRefs(ctx: Context): Promise<Map<string, string>> {
  return fetchedTips(ctx, (ref) => ref.startsWith('refs/heads/') || ref.startsWith('refs/remotes/origin/'));
}

/** The radar's inputs for the remote branches: their records and tips. */
export function radarInputs(ctx: Context, view: RemoteView): { records: SessionRecord[]; tips: Map<string, string> } {
  const records = view.branches.map((b) => radarRecord(ctx, { name: `${ctx.config.remote}/${b.branch}`, last_commit: b.committed, owner: b.owner }));
  return { records, tips: new Map(view.branches.map((b) => [`${ctx.config.remote}/${b.branch}`, b.tip])) };
}

/** The words for a conflict a remote branch takes part in: it has no copy here until it is adopted. */
function remoteNext(ctx: Context, remoteNames: Set<string>, a: string, b: string, files: readonly string[]): string {
  const list = files.slice(0, 4).join(', ') + (files.length > 4 ? `, and ${files.length - 4} more` : '');
  const adopt = (n: string) => `make adopt branch=${n.slice(ctx.config.remote.length + 1)} component=C`;
  const local = [a, b].filter((n) => !remoteNames.has(n));
  if (!local.length) return `coordinate: ${a} and ${b} (both on ${ctx.config.remote}) conflict in ${list || 'a file'}; the second to be merged resolves it (${adopt(b)} brings one here)`;
  const other = a === local[0] ? b : a;
  return `coordinate with whoever works on ${other}: it conflicts with ${local[0]} in ${list || 'a file'}; the second to be merged resolves it (${adopt(other)} brings it here)`;
}

export type RemoteRadar = Radar & { remote: RemoteFetch; remote_branches: string[] };

/** make conflicts remote=1: the local sessions and the remote's branches, against the base and each other. */
export async function remoteRadar(ctx: Context, opts: RadarOptions = {}): Promise<RemoteRadar> {
  const local = (await readSessionsQuick(ctx.root, ctx.config.workspace)).records;
  const view = await remoteView(ctx, local);
  const { records, tips } = radarInputs(ctx, view);
  // The agents' hook cache stays the local sessions' view: a plain radar run would drop the remote's again.
  const radar = await conflictRadar(ctx, [...local, ...records], { ...opts, tips, refs: await radarRefs(ctx), cache: false });
  const remoteNames = new Set(records.map((r) => r.name));
  for (const s of radar.sessions) {
    if (!remoteNames.has(s.name)) continue;
    s.outside_component = [];
    if (s.base_conflict) s.next = `${s.name} conflicts with ${s.base} in ${s.base_conflict_files.slice(0, 4).join(', ')}: whoever works on it (on the web?) brings it onto ${s.base}, or make adopt branch=${s.name.slice(ctx.config.remote.length + 1)} component=C brings it here to resolve`;
  }
  for (const p of radar.pairs) if (p.conflict && (remoteNames.has(p.a) || remoteNames.has(p.b))) p.next = remoteNext(ctx, remoteNames, p.a, p.b, p.conflict_files);
  return { ...radar, remote: view.fetch, remote_branches: [...remoteNames] };
}

/** list-sessions remote=1's conflict column: the marks of one radar over the local sessions and the remote's branches. */
export function remoteMarks(ctx: Context, view: RemoteView, opts: RadarOptions = {}) {
  const { records, tips } = radarInputs(ctx, view);
  return async (shown: SessionRecord[]) => conflictMarks(ctx, [...shown, ...records], { ...opts, tips, refs: await radarRefs(ctx), cache: false });
}
