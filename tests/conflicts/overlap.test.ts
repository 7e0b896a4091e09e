import { describe, expect, it } from 'vitest';
import { candidatePairs, strays } from '../../scripts/lib/conflicts/overlap.ts';

describe('conflict overlap', () => {
  it('pairs only sessions whose changes meet, a file against a folder included', () => {
    const pairs = candidatePairs([['a/x.py', 'README.md'], ['a/y.py'], ['README.md'], null, ['a/x.py/inner'], []]);
    expect(pairs).toEqual([
      { i: 0, j: 2, files: ['README.md'], crossed: false },
      { i: 0, j: 4, files: [], crossed: true },
    ]);
  });

  it('finds files outside the own component and inside other sessions\' components', () => {
    const config = { components: { server: { paths: ['server/'], description: '' }, ui: { paths: ['ui/'], description: '' } } };
    const sessions = [
      { name: 'me', component: 'server' },
      { name: 'front', component: 'ui' },
      { name: 'mate', component: 'server' },
    ];
    expect(strays(config, sessions[0]!, ['server/a.py', 'ui/b.js', 'README.md'], sessions)).toEqual({
      outside: ['ui/b.js', 'README.md'],
      others: [{ session: 'front', component: 'ui', files: ['ui/b.js'] }],
    });
  });
});
