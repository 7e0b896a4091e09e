// Plain JavaScript (typed with JSDoc) because the lock throws these, and the lock also serves the install and build steps, which run on plain Node before anything is installed or built.

/** An error meant for people: one line, with an exit code (2 bad usage, 1 failed operation). */
export class KitError extends Error {
  /**
   * @param {string} message
   * @param {1 | 2} [exitCode]
   */
  constructor(message, exitCode = 1) {
    super(message);
    /** @readonly */
    this.exitCode = exitCode;
    this.name = 'KitError';
  }
}

/** Bad input from the user: exit code 2. */
export class UsageError extends KitError {
  /** @param {string} message */
  constructor(message) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** A failed operation: exit code 1. */
export class OperationError extends KitError {
  /** @param {string} message */
  constructor(message) {
    super(message, 1);
    this.name = 'OperationError';
  }
}

/**
 * @param {unknown} err
 * @returns {string}
 */
export function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}
