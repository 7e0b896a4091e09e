// Placeholder: the tracker command is built in issue 3.
process.stderr.write('track: not built yet\n');
process.exitCode = 1;
