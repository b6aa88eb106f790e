#!/usr/bin/env node
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCommandLine } from './command-line';
import { COMMANDS, Command, ENVIRONMENT, commandHelp } from './commands';
import { InputError, SetupError, UsageError } from './errors';
import { quietSdkNodeVersionNotice } from './sdk-notice';
import { versions } from './version';

const USAGE = `insurancelake — run the InsuranceLake pipeline on this machine (no AWS account, no Docker)

Usage: insurancelake <command> [options]     insurancelake <command> --help for its options and an example

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help
  -v, --version  print the versions of the CLI and of the cdk-insurancelake library it runs
  --verbose      print the stack trace of an unexpected failure (as INSURANCELAKE_DEBUG=1 does)

Environment:
${ENVIRONMENT.map(([name, text]) => `  ${name.padEnd(29)} ${text}`).join('\n')}

The first command that needs Python sets up a virtual environment with the pinned requirements in the
cache folder (about 1.2 GB and 100 MB of jars, a few minutes, progress on stderr); later runs reuse it.
`;

/** Parse the command line and run the command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose') || process.env.INSURANCELAKE_DEBUG === '1';
  const [name, ...rest] = argv.filter((a) => a !== '--verbose');
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === '-v' || name === '--version' || name === 'version') {
    const v = versions();
    process.stdout.write(`insurancelake ${v.cli} (cdk-insurancelake-cli), cdk-insurancelake ${v.construct}\n`);
    return 0;
  }
  const command: Command | undefined = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(commandHelp(name, command));
      return 0;
    }
    const parsed = parseCommandLine(name, command, rest);
    return await command.handler(parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`insurancelake: ${error.message}\nRun "insurancelake ${command ? `${name} ` : ''}--help" for usage.\n`);
      return 2;
    }
    if (error instanceof SetupError || error instanceof InputError) {
      process.stderr.write(`insurancelake: ${error.message}\n`);
      return 1;
    }
    unexpected(error, verbose);
    return 1;
  }
}

/**
 * A failure no check foresaw: one line with its message and the file that keeps the stack trace,
 * which --verbose (or INSURANCELAKE_DEBUG=1) prints instead.
 */
function unexpected(error: unknown, verbose: boolean): void {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const stack = error instanceof Error ? error.stack ?? error.message : String(error);
  if (verbose) {
    process.stderr.write(`insurancelake: ${stack}\n`);
    return;
  }
  const log = path.join(os.tmpdir(), `insurancelake-error-${process.pid}.log`);
  fs.writeFileSync(log, stack + '\n');
  process.stderr.write(`insurancelake: ${message}\nThe stack trace is in ${log}; run again with --verbose to print it.\n`);
}

if (require.main === module) {
  quietSdkNodeVersionNotice();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      unexpected(error, process.argv.includes('--verbose') || process.env.INSURANCELAKE_DEBUG === '1');
      process.exit(1);
    },
  );
}
