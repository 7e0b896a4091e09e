// The kit's own Node processes make no TLS connection, yet Node reads NODE_EXTRA_CA_CERTS at every start
// (a system bundle costs tens of ms, more than the rest of a start-up): make (KIT_NODE) and bin/kit start
// a command with it set aside under CA_ASIDE, and the command puts it back before it starts anything (an
// agent, git, a setup command), so what the kit starts gets the environment as the user set it.
export const CA_ASIDE = 'PARALLEL_KIT_CA_CERTS';

/** Puts NODE_EXTRA_CA_CERTS back where a start-up set it aside (changes `env`). */
export function restoreCaCerts(env: NodeJS.ProcessEnv): void {
  const aside = env[CA_ASIDE];
  if (aside === undefined) return;
  env.NODE_EXTRA_CA_CERTS = aside;
  delete env[CA_ASIDE];
}

/** The environment for a kit command started as a Node process of its own: the same, with the certificates set aside. */
export function kitNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  if (out.NODE_EXTRA_CA_CERTS === undefined) return out;
  out[CA_ASIDE] = out.NODE_EXTRA_CA_CERTS;
  delete out.NODE_EXTRA_CA_CERTS;
  return out;
}
