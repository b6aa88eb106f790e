#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { demoCommand } from './commands/demo';
import { loadLookupsCommand } from './commands/load-lookups';
import { queryCommand } from './commands/query';
import { runCommand } from './commands/run';
import { validateCommand } from './commands/validate';
import { SetupError, UsageError } from './errors';
import { quietSdkNodeVersionNotice } from './sdk-notice';

const USAGE = `insurancelake — run the InsuranceLake pipeline on this machine (no AWS account, no Docker)

Usage:
  insurancelake run --collect <dir> --config <dir> [--workdir <dir>] [--json]
      Every file under <collect>/<Database>/<Table>/... goes through the pipeline as if dropped in
      the Collect bucket: trigger Lambda, Step Functions state machine, Glue jobs, auditor.
  insurancelake demo [--rows N] [--workdir <dir>] [--json]
      Generate insurance data (default 10,000 rows) and run it with the example configuration.
  insurancelake validate --config <dir>
      Check every spec, mapping, DQ rule file, SQL file name and entity-match spec; exit 1 on problems.
  insurancelake query --workdir <dir> [--json] "<SQL>"
      Run Spark SQL against the local catalog of a previous run.
  insurancelake load-lookups --config <dir>
      Load <config>/lookups/lookups.json's value and multi lookups into lookup tables shaped as the
      lake's, to check them (local tables live for one command; run loads them before each run).

Options:
  --workdir <dir>   where tables, logs and report.html go (default: ./insurancelake-work)
  --json            print the summary as one JSON object instead of tables
  -h, --help        show this help
`;

type Handler = (values: Record<string, string | boolean | undefined>, positionals: string[]) => Promise<number>;

const COMMANDS: Record<string, { options: Record<string, { type: 'string' | 'boolean' }>; handler: Handler }> = {
  'run': {
    options: { collect: { type: 'string' }, config: { type: 'string' }, workdir: { type: 'string' }, json: { type: 'boolean' } },
    handler: runCommand,
  },
  'demo': {
    options: { rows: { type: 'string' }, workdir: { type: 'string' }, json: { type: 'boolean' } },
    handler: demoCommand,
  },
  'validate': {
    options: { config: { type: 'string' }, json: { type: 'boolean' } },
    handler: validateCommand,
  },
  'query': {
    options: { workdir: { type: 'string' }, json: { type: 'boolean' } },
    handler: queryCommand,
  },
  'load-lookups': {
    options: { config: { type: 'string' } },
    handler: loadLookupsCommand,
  },
};

/** Parse the command line and run the command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(USAGE);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(`${name}: ${(error as Error).message}`);
    }
    return await command.handler(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`insurancelake: ${error.message}\nRun "insurancelake --help" for usage.\n`);
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
