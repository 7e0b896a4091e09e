// Doing many slow things at once, at most one per core: git in every copy, merges of every pair.
import { cpus } from 'node:os';

/** Maps items through fn with at most `size` running at once (default: the CPU count). Keeps order. */
export async function pool<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, size = poolSize()): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

export function poolSize(): number {
  return Math.max(1, cpus().length);
}
