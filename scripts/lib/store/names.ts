// Names that become branch names, folder names and environment variable names.
import * as z from 'zod';
import { NAME_RE } from './constants.ts';

export const nameSchema = z
  .string()
  .regex(NAME_RE, "use 1-64 letters, digits, '-', '_' or '.', not starting with '-' or '.', without '..'");

export const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

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
