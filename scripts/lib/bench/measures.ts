// make bench's measures, in the order they run (a later one may use what an earlier one made in the run).
// A measure is one file of this folder: a function from the run to its comparisons.
import type { Comparison } from './timing.ts';
import type { BenchRun } from './sample.ts';
import { benchSessions } from './sessions.ts';
import { benchRadar50 } from './radar50.ts';
import { benchListing } from './listing.ts';
import { benchNewSession5k } from './new-session-5k.ts';
import { benchSyncAll } from './sync-all.ts';
import { benchRemoteFetch } from './remote-fetch.ts';
import { benchAgents } from './agents.ts';

export interface Measure {
  name: string;
  run: (b: BenchRun) => Comparison[] | Promise<Comparison[]>;
}

export const MEASURES: readonly Measure[] = [
  { name: 'sessions', run: benchSessions },
  { name: 'radar-50', run: benchRadar50 },
  { name: 'listing', run: benchListing },
  { name: 'new-session-5k', run: benchNewSession5k },
  { name: 'sync-all', run: benchSyncAll },
  { name: 'list-sessions-remote', run: benchRemoteFetch },
  { name: 'agents', run: benchAgents },
];

export { sampleRepo, GIT_ID, MAKEFILE, type BenchRun } from './sample.ts';
export type { Comparison } from './timing.ts';
