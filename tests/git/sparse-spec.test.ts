// Which sparse checkout a session's paths give: cone mode for folders and top-level names, else patterns.
import { describe, expect, it } from 'vitest';
import { sparseSpec } from '../../scripts/lib/git/sparse.ts';

describe('sparseSpec', () => {
  it('folders (by a trailing / or by the tree) and names at the top: cone mode, top files left to git', () => {
    expect(sparseSpec([{ path: 'server/', type: 'missing' }, { path: 'ui/web', type: 'tree' }, { path: 'Makefile', type: 'blob' }, { path: 'new', type: 'missing' }])).toEqual({ cone: true, lines: ['server', 'ui/web', 'new'] });
  });

  it('a file deeper down, or a pattern: non-cone, the top files first, each path anchored', () => {
    expect(sparseSpec([{ path: 'server/', type: 'tree' }, { path: 'ui/settings/app.json', type: 'blob' }, { path: '**/package.json', type: 'missing' }, { path: 'odd name ', type: 'blob' }])).toEqual({
      cone: false,
      lines: ['/*', '!/*/', '/server/', '/ui/settings/app.json', '**/package.json', '/odd name\\ '],
    });
  });

  it("'.' is the whole tree", () => {
    expect(sparseSpec([{ path: '.', type: 'missing' }, { path: 'ui/', type: 'tree' }])).toEqual({ cone: false, lines: ['/*'] });
  });
});
