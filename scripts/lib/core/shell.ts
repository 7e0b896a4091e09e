// Words for a POSIX shell, for commands the kit prints or writes for people (it never runs one itself).

/** Quotes one word for a POSIX shell: bare when harmless, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\/.:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
