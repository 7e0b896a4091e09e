// Ctrl-C and SIGTERM during a command: remember them instead of dying half-way, so that the command can
// finish or undo the step under way and stop. Git runs in its own process group (repo.ts), so a Ctrl-C
// never kills a rebase half-done; a second Ctrl-C exits at once.
let count = 0;

export function catchInterrupts(onFirst: () => void): void {
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) onFirst();
    else process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', handler).on('SIGTERM', handler);
}

export function interrupted(): boolean {
  return count > 0;
}
