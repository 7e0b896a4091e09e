// Sorting names (sessions, refs, branches, machines) where a command is timed: code-unit order. The first
// localeCompare of a process builds ICU's collator, tens of milliseconds, on every command that sorts.

/** a < b by UTF-16 code units: a total order, the same on every machine and locale. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
