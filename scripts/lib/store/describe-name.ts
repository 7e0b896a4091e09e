// Why a name (of a session, a workspace) cannot be one, in words; zod-free, so that loading a context loads no zod.

export function describeName(value: string): string | null {
  if (value.length === 0) return 'is empty';
  if (value.length > 64) return `is ${value.length} characters long (at most 64)`;
  if (value.startsWith('-')) return "starts with '-'";
  if (value.startsWith('.')) return "starts with '.'";
  if (value.includes('..')) return "contains '..'";
  if (value.endsWith('.lock') || value.endsWith('.')) return "ends with '.lock' or '.'";
  const bad = [...value].find((c) => !/[A-Za-z0-9._-]/.test(c));
  if (bad !== undefined) return `contains ${JSON.stringify(bad)} (only letters, digits, '-', '_' and '.' are allowed)`;
  return null;
}
