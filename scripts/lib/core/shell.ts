// Words for a POSIX shell, for commands and files the kit writes for people (it never runs a shell itself).

/** Always in single quotes: the form of environment files, which dotenv readers also take. */
export function singleQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes one word for a POSIX shell: bare when harmless, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.:=@%+,-]+$/.test(word) ? word : singleQuote(word);
}
