// A sequence of steps, each with its undo: a failure runs the undos of the steps done so far, in reverse.
import { KitError, OperationError } from './errors.mjs';

export interface Step {
  /** What the step does, for the error message ("create the worktree"). */
  title: string;
  run: () => Promise<void>;
  /** Undoes run; only called when run succeeded. */
  undo?: () => Promise<void>;
}

export class StepFailure extends KitError {
  constructor(message: string, exitCode: 1 | 2, readonly undoErrors: string[]) {
    super(message, exitCode);
  }
}

/** Runs the steps in order; `interrupted()` is checked between steps (Ctrl-C). */
export async function runSteps(steps: Step[], interrupted: () => boolean = () => false): Promise<void> {
  const done: Step[] = [];
  try {
    for (const step of steps) {
      if (interrupted()) throw new OperationError('interrupted');
      await step.run();
      done.push(step);
    }
  } catch (err) {
    const undoErrors: string[] = [];
    for (const step of done.reverse()) {
      if (!step.undo) continue;
      try {
        await step.undo();
      } catch (undoErr) {
        undoErrors.push(`${step.title}: ${(undoErr as Error).message}`);
      }
    }
    if (!done.length && err instanceof KitError) throw err; // nothing was done: the reason alone says it
    const failed = steps[done.length]?.title ?? 'a step';
    const reason = err instanceof Error ? err.message : String(err);
    const code = err instanceof KitError ? err.exitCode : 1;
    const undone = undoErrors.length
      ? `; could not undo everything (${undoErrors.join('; ')})`
      : done.length
        ? '; everything done before it was undone'
        : '';
    throw new StepFailure(`could not ${failed}: ${reason}${undone}`, code, undoErrors);
  }
}
