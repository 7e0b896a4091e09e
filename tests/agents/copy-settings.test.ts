// claude -w's hooks in a copy's .claude/settings.local.json: merged into the person's own settings, the
// kit's groups once however often it runs, and a file that is not JSON left exactly as it was.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCopySettings } from '../../scripts/lib/agents/install-claude.ts';
import { KIT_DIR } from '../helpers/make.ts';
import { makeRepo } from '../helpers/repo.ts';

describe("writeCopySettings (claude -w)", () => {
  it("keeps the person's settings and hooks, writes the kit's groups once, refuses a file that is not JSON", async () => {
    const copy = makeRepo();
    const root = join(copy, '.parallel');
    const file = join(copy, '.claude', 'settings.local.json');
    mkdirSync(join(copy, '.claude'));
    const mine = { permissions: { allow: ['Bash(ls)'] }, hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo mine' }] }] } };
    writeFileSync(file, JSON.stringify(mine));
    await writeCopySettings(copy, root, join(root, 'sessions', 'a'), KIT_DIR);
    await writeCopySettings(copy, root, join(root, 'sessions', 'a'), KIT_DIR);
    const s = JSON.parse(readFileSync(file, 'utf8'));
    expect(s.permissions).toEqual(mine.permissions);
    expect(s.hooks.Stop).toHaveLength(2);
    expect(s.hooks.Stop[0]).toEqual(mine.hooks.Stop[0]);
    for (const groups of Object.values(s.hooks) as unknown[][]) expect(groups.filter((g) => JSON.stringify(g).includes('hook.cjs'))).toHaveLength(1);

    const broken = '{ "permissions": { "allow": ["Bash(ls)"] }, // a comment\n';
    writeFileSync(file, broken);
    await expect(writeCopySettings(copy, root, join(root, 'sessions', 'a'), KIT_DIR)).rejects.toThrow(/settings\.local\.json is not JSON/);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });
});
