// The package's public API.
export { SessionTracker } from './tracker.ts';
export { statusSchema, logEventSchema, sessionRecordSchema } from './schemas.ts';
export type { Status, LogEvent, SessionRecord } from './schemas.ts';
