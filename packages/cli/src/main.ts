#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { COMMANDS, Command, ENVIRONMENT, commandHelp } from './commands';
import { SetupError, UsageError } from './errors';
import { quietSdkNodeVersionNotice } from './sdk-notice';
import { versions } from './version';

const USAGE = `insurancelake — run the InsuranceLake pipeline on this machine (no AWS account, no Docker)

Usage: insurancelake <command> [options]     insurancelake <command> --help for its options and an example

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help
  -v, --version  print the versions of the CLI and of the cdk-insurancelake library it runs

Environment:
${ENVIRONMENT.map(([name, text]) => `  ${name.padEnd(29)} ${text}`).join('\n')}

The first command that needs Python sets up a virtual environment with the pinned requirements in the
cache folder (about 1.2 GB and 100 MB of jars, a few minutes, progress on stderr); later runs reuse it.
`;

/** Parse the command line and run the command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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
    let parsed;
    try {
      const options = Object.fromEntries(Object.entries(command.options).map(([option, o]) => [option, { type: o.type }]));
      parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(`${name}: ${(error as Error).message}`);
    }
    return await command.handler(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`insurancelake: ${error.message}\nRun "insurancelake ${command ? `${name} ` : ''}--help" for usage.\n`);
      return 2;
    }
    if (error instanceof SetupError) {
      process.stderr.write(`insurancelake: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  quietSdkNodeVersionNotice();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`insurancelake: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
