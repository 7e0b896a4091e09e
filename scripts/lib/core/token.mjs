// Tokens that tell one process's temporary files and locks apart from another's. Not secrets, so not
// node:crypto: loading it is a sixth of the agents' hook's start-up. Plain JavaScript (lock.mjs uses it).

/**
 * `chars` random hexadecimal characters.
 * @param {number} chars
 * @returns {string}
 */
export function randomToken(chars) {
  let out = '';
  while (out.length < chars) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, chars);
}
