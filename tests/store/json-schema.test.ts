import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSchemaDocs } from '../../scripts/lib/store/json-schema.ts';
import { KIT_DIR } from '../helpers/make.ts';

describe('docs/schemas', () => {
  it('holds the JSON Schema of status.json and log.jsonl as the zod schemas give it (run scripts/export-schemas.ts)', () => {
    const docs = renderSchemaDocs(KIT_DIR);
    expect(docs.map((d) => d.path.slice(KIT_DIR.length + 1))).toEqual(['docs/schemas/status.schema.json', 'docs/schemas/log-event.schema.json', 'docs/schemas/session.schema.json', 'docs/schemas/launch.schema.json']);
    for (const d of docs) expect(readFileSync(d.path, 'utf8'), d.path).toBe(d.text);
    const status = JSON.parse(docs[0]!.text);
    expect(status.required).toEqual(expect.arrayContaining(['session_id', 'workspace', 'state', 'task_description', 'progress_pct', 'message', 'errors', 'started_at', 'last_heartbeat', 'completed_at', 'output_files', 'metadata', 'pid', 'host']));
  });
});
