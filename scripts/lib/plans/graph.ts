// The plan's dependency graph, as pure functions: a cycle, if any, and what may start now.

export interface Node {
  name: string;
  after: readonly string[];
}

/** The first cycle found, as names from a session back to itself (`a -> b -> a`), or null. */
export function findCycle(nodes: readonly Node[]): string[] | null {
  const after = new Map(nodes.map((n) => [n.name, n.after]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const d of after.get(name) ?? []) {
      const c = visit(d, [...path, name]);
      if (c) return c;
    }
    state.set(name, 'done');
    return null;
  };
  for (const n of nodes) {
    const c = visit(n.name, []);
    if (c) return c;
  }
  return null;
}
