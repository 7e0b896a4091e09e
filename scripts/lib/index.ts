// The package's public API.
export { SessionTracker, initSessionStatus, endSessionStatus } from './tracker/tracker.ts';
export type { TrackerOptions } from './tracker/tracker.ts';
export type { TrackerEvent } from './tracker/apply.ts';
export { SessionMonitor, inspectSession, classify, totalsOf, allEnded, MONITOR_STATES, ENDED_STATES } from './monitor/monitor.ts';
export type { MonitorOptions, ClassifyOptions, MonitorState, SessionView, Snapshot, Totals } from './monitor/monitor.ts';
export { follow, outcomeCode } from './monitor/follow.ts';
export type { FollowOptions, FollowResult } from './monitor/follow.ts';
export { renderDashboard, renderLog } from './monitor/render.ts';
export { locate, findMainCheckout } from './tracker/locate.ts';
export { statusSchema, logEventSchema, sessionRecordSchema, TRACKER_STATES, LOG_EVENTS } from './store/schemas.ts';
export type { Status, LogEvent, SessionRecord, TrackerState } from './store/schemas.ts';
