// The JSON Schema of the tracker's files, generated from the zod schemas (docs/schemas/ holds the committed copy).
import { join } from 'node:path';
import * as z from 'zod';
import { launchRecordSchema, logEventSchema, statusSchema, sessionRecordSchema } from './schemas.ts';

export const SCHEMA_DOCS: readonly { file: string; schema: z.ZodType; title: string }[] = [
  { file: 'status.schema.json', schema: statusSchema, title: 'status.json' },
  { file: 'log-event.schema.json', schema: logEventSchema, title: 'log.jsonl line' },
  { file: 'session.schema.json', schema: sessionRecordSchema, title: 'session.json' },
  { file: 'launch.schema.json', schema: launchRecordSchema, title: 'launch.json' },
];

function withTitle(schema: Record<string, unknown>, title: string): Record<string, unknown> {
  const { $schema, ...rest } = schema;
  return { $schema, title, ...rest };
}

/** The text each docs/schemas/ file should hold. */
export function renderSchemaDocs(kitDir: string): { path: string; text: string }[] {
  return SCHEMA_DOCS.map((d) => ({
    path: join(kitDir, 'docs', 'schemas', d.file),
    text: `${JSON.stringify(withTitle(z.toJSONSchema(d.schema, { io: 'input' }), d.title), null, 2)}\n`,
  }));
}
