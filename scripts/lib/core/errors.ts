/** An error meant for people: one line, with an exit code (2 bad usage, 1 failed operation). */
export class KitError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'KitError';
  }
}

/** Bad input from the user: exit code 2. */
export class UsageError extends KitError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** A failed operation: exit code 1. */
export class OperationError extends KitError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'OperationError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
