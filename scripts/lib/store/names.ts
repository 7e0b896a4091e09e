// Names that become branch names, folder names and environment variable names.
import * as z from 'zod';
import { NAME_RE } from './constants.ts';

export const nameSchema = z
  .string()
  .regex(NAME_RE, "use 1-64 letters, digits, '-', '_' or '.', not starting with '-' or '.', without '..'");

export const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

export { describeName } from './describe-name.ts';
