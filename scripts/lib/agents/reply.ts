// A guard decision in the agent's own protocol: what the hook prints on stdout (always exit 0). Built-ins only.
import type { AgentName } from './events.ts';
import type { Verdict } from './guard.ts';

export interface Reply {
  /** What to print; '' for nothing (an allow says nothing, so the agent's own permission rules still apply). */
  stdout: string;
  code: 0;
}

const SILENT: Reply = { stdout: '', code: 0 };

/**
 * Claude and Codex: hookSpecificOutput with permissionDecision deny (a warn adds only additionalContext,
 * never "allow", which would skip the person's own permission question). Gemini: decision deny, or
 * additionalContext for a warn. OpenCode: `{decision, reason}`, on which the kit's plugin throws (deny)
 * or passes the reason on (warn). Aider has no tool hooks.
 */
export function replyFor(agent: AgentName, event: string, verdict: Verdict): Reply {
  if (verdict.decision === 'allow') return SILENT;
  const deny = verdict.decision === 'deny';
  const R = verdict.reason;
  let out: unknown;
  switch (agent) {
    case 'claude':
    case 'codex':
      out = { hookSpecificOutput: deny ? { hookEventName: event, permissionDecision: 'deny', permissionDecisionReason: R } : { hookEventName: event, additionalContext: R } };
      break;
    case 'gemini':
      out = deny ? { decision: 'deny', reason: R } : { systemMessage: R, hookSpecificOutput: { hookEventName: event, additionalContext: R } };
      break;
    case 'opencode':
      out = { decision: verdict.decision, reason: R };
      break;
    case 'aider':
    case 'custom':
      return SILENT;
  }
  return { stdout: `${JSON.stringify(out)}\n`, code: 0 };
}

/**
 * Context for the model on an allowed edit (the radar's note): Claude and Codex additionalContext (it
 * reaches the next model request), Gemini the same shape its warn uses, OpenCode `{decision: "warn"}`,
 * which its plugin passes on. Aider has no tool hooks.
 */
export function contextReply(agent: AgentName, event: string, text: string): Reply {
  let out: unknown;
  switch (agent) {
    case 'claude':
    case 'codex':
      out = { hookSpecificOutput: { hookEventName: event, additionalContext: text } };
      break;
    case 'gemini':
      out = { systemMessage: text, hookSpecificOutput: { hookEventName: event, additionalContext: text } };
      break;
    case 'opencode':
      out = { decision: 'warn', reason: text };
      break;
    case 'aider':
    case 'custom':
      return SILENT;
  }
  return { stdout: `${JSON.stringify(out)}\n`, code: 0 };
}
