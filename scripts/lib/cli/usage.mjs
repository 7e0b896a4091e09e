// Usage lines from the registry, for `make help`, `bin/kit help COMMAND` and the option errors. Plain
// JavaScript: scripts/commands-mk.mjs renders the help screens with it on plain Node, before the build.

/** @typedef {import('./commands.mjs').OptionSpec} OptionSpec */
/** @typedef {import('./commands.mjs').CommandSpec} CommandSpec */

/**
 * `name=NAME`, `json=1`, `event=start|heartbeat`, `kind=`: how an option is written in a usage line.
 * @param {OptionSpec} o
 * @returns {string}
 */
export function optionUsage(o) {
  if (o.kind === 'flag') return `${o.name}=1`;
  if (o.kind === 'enum' && o.values) return `${o.name}=${o.values.join('|')}`;
  if (o.required) return `${o.name}=${o.meta ?? o.name.toUpperCase()}`;
  return `${o.name}=${o.meta ?? ''}`;
}

/**
 * The required options, then the others in brackets: `name=NAME [force=1 json=1 repo=PATH]`.
 * @param {readonly OptionSpec[]} options
 * @returns {string}
 */
export function usageOf(options) {
  const required = options.filter((o) => o.required).map(optionUsage);
  const optional = options.filter((o) => !o.required).map(optionUsage);
  return [...required, ...(optional.length ? [`[${optional.join(' ')}]`] : [])].join(' ');
}

/**
 * The line of `make help`: what it does, then its options.
 * @param {CommandSpec} command
 * @returns {string}
 */
export function helpLine(command) {
  const usage = usageOf(command.options);
  if (!usage) return command.help;
  return command.options.some((o) => o.required) ? `${command.help}: ${usage}` : `${command.help} ${usage}`;
}

/**
 * `bin/kit help COMMAND`: the usage, an example, and one line per option.
 * @param {CommandSpec} command
 * @returns {string}
 */
export function commandHelp(command) {
  const width = Math.min(20, Math.max(0, ...command.options.map((o) => optionUsage(o).length)));
  const lines = [
    `make ${command.name} ${usageOf(command.options)}`.trimEnd(),
    `  ${command.help}; e.g. make ${command.name} ${command.example}`,
    `  (bin/kit ${command.name} takes the same options and exits with the command's own code)`,
  ];
  if (command.options.length) lines.push('');
  for (const o of command.options) lines.push(`  ${optionUsage(o).padEnd(width)}  ${o.required ? 'required: ' : ''}${o.help}`);
  return `${lines.join('\n')}\n`;
}
