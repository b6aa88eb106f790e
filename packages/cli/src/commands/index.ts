import { auditCommand } from './audit';
import { demoCommand } from './demo';
import { ideCommand } from './ide';
import { jobCommand } from './job';
import { loadLookupsCommand } from './load-lookups';
import { queryCommand } from './query';
import { runCommand } from './run';
import { validateCommand } from './validate';
import { EXTRAS_OPTIONS } from '../local-extras';

/** One option of a command: its parser type, the value it takes (if any) and what it does. */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  readonly value?: string;
  readonly description: string;
}

/** A command: what it does, its options, an example, and the function that runs it. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly description: string;
  readonly options: Record<string, CommandOption>;
  readonly example: string;
  /** What the command takes besides options (a job, an editor, the SQL); without it, none. */
  readonly positionals?: string;
  readonly handler: (values: Record<string, string | boolean | undefined>, positionals: string[]) => Promise<number>;
}

const WORKDIR: CommandOption = { type: 'string', value: '<dir>', description: 'where tables, logs and report.html go (default: ./insurancelake-work)' };
const JSON_OUT: CommandOption = { type: 'boolean', description: 'print the result as JSON on stdout (progress goes to stderr)' };

/** Every command of `insurancelake`, in the order the help lists them. */
export const COMMANDS: Record<string, Command> = {
  'run': {
    summary: 'run every file of a Collect folder through the local pipeline',
    usage: 'insurancelake run --collect <dir> --config <dir> [--workdir <dir>] [--transforms <dir>] [--python-modules <list>] [--json]',
    description: 'Every file under <collect>/<Database>/<Table>/... goes through the pipeline as if dropped in the Collect\n'
      + 'bucket: trigger Lambda, Step Functions state machine, Glue jobs on local Spark, auditor. Exit code 1 when\n'
      + 'a file fails. Writes report.html and summary.json into the working folder. Jars in <config>/jars/ (and\n'
      + '$INSURANCELAKE_EXTRA_JARS) join the local Spark session, as extraJars join the Glue jobs.',
    options: {
      collect: { type: 'string', value: '<dir>', description: 'the folder whose <Database>/<Table>/<file> layout mirrors the Collect bucket' },
      config: { type: 'string', value: '<dir>', description: 'the configuration folder (the one that contains etl/), as configurationPath takes it' },
      workdir: WORKDIR,
      ...EXTRAS_OPTIONS,
      json: JSON_OUT,
    },
    example: 'insurancelake run --collect ./collect --config ./config --workdir ./work',
    handler: runCommand,
  },
  'demo': {
    summary: 'generate insurance data and run it with the example configuration',
    usage: 'insurancelake demo [--rows N] [--workdir <dir>] [--json]',
    description: 'Generates general policies, claims and life policies (a few rows spoiled, for the data quality rules\n'
      + 'to quarantine) and runs them through the local pipeline with the example configuration that\n'
      + 'cdk-insurancelake ships (examples/config).',
    options: {
      rows: { type: 'string', value: '<N>', description: 'rows per dataset, 10 to 10000000 (default: 10000)' },
      workdir: { ...WORKDIR, description: 'where data, tables, logs and report.html go (default: ./insurancelake-demo)' },
      json: JSON_OUT,
    },
    example: 'insurancelake demo --rows 1000',
    handler: demoCommand,
  },
  'validate': {
    summary: 'check a configuration folder; exit 1 on problems',
    usage: 'insurancelake validate --config <dir> [--transforms <dir>] [--python-modules <list>] [--json]',
    description: 'Checks every transformation spec (JSON Schema), mapping, data quality rule file (DQDL, by the real\n'
      + 'parser), SQL file name and entity-match spec with the checks the jobs make. One line per problem:\n'
      + '`file: path: message`.',
    options: {
      config: { type: 'string', value: '<dir>', description: 'the configuration folder (the one that contains etl/)' },
      ...EXTRAS_OPTIONS,
      json: { type: 'boolean', description: 'print {"problems": [...]} as JSON' },
    },
    example: 'insurancelake validate --config ./config',
    handler: validateCommand,
  },
  'job': {
    summary: 'run one Glue job locally with the arguments the state machine passes',
    usage: 'insurancelake job <collect-to-cleanse|cleanse-to-consume|entity-match> --file <file> --config <dir> [--collect <dir>] [--workdir <dir>] [--transforms <dir>] [--python-modules <list>] [--print-args | --aws --account <id> [--region <name>] [--environment <name>] [--lake-prefix <prefix>]]',
    description: 'The real trigger Lambda turns the file into the execution input, then only that job\'s Glue task of the\n'
      + 'synthesized state machine runs (its own Parameters, no other state): the job reads and writes the tables of\n'
      + 'the working folder, so cleanse-to-consume after collect-to-cleanse with the same --workdir continues it.\n'
      + '--print-args prints what the job receives instead (one --name value per line); --aws prints the\n'
      + 'aws glue start-job-run command that runs the same job in a deployed lake.',
    options: {
      'file': { type: 'string', value: '<file>', description: 'the Collect file: a key under --collect, or a path ending in <Database>/<Table>[/<y>/<m>/<d>]/<file>' },
      'config': { type: 'string', value: '<dir>', description: 'the configuration folder (the one that contains etl/)' },
      'collect': { type: 'string', value: '<dir>', description: 'the folder that mirrors the Collect bucket (default: worked out from --file)' },
      'workdir': WORKDIR,
      ...EXTRAS_OPTIONS,
      'print-args': { type: 'boolean', description: 'print the job\'s arguments, one --name value per line, and run nothing' },
      'aws': { type: 'boolean', description: 'print the aws glue start-job-run command for a deployed lake, and run nothing' },
      'account': { type: 'string', value: '<id>', description: 'with --aws: the account the lake is deployed in' },
      'region': { type: 'string', value: '<name>', description: 'with --aws: its region (default: $AWS_REGION)' },
      'environment': { type: 'string', value: '<name>', description: 'with --aws: the lake\'s environmentName (default: dev)' },
      'lake-prefix': { type: 'string', value: '<prefix>', description: 'with --aws: the lake\'s resourcePrefix (default: insurancelake)' },
    },
    example: 'insurancelake job collect-to-cleanse --file ./collect/SyntheticGeneralData/PolicyData/policies.csv --config ./config --print-args',
    positionals: 'the job',
    handler: jobCommand,
  },
  'ide': {
    summary: 'write a VS Code launch configuration that debugs one job locally',
    usage: 'insurancelake ide vscode --job <collect-to-cleanse|cleanse-to-consume|entity-match> --file <file> --config <dir> [--collect <dir>] [--workdir <dir>] [--transforms <dir>] [--python-modules <list>]',
    description: 'Adds (or replaces, by name) a debugpy configuration in .vscode/launch.json of the current folder, keeping\n'
      + 'the other entries. It runs the job\'s entry script with the arguments insurancelake job --print-args gives,\n'
      + 'on the working folder\'s tables; the DynamoDB tables (lookups loaded) live in a moto server that\n'
      + 'insurancelake_local.debug_job starts inside the debugged process, so nothing else needs to run.',
    options: {
      job: { type: 'string', value: '<job>', description: 'collect-to-cleanse, cleanse-to-consume or entity-match' },
      file: { type: 'string', value: '<file>', description: 'the Collect file, as insurancelake job takes it' },
      config: { type: 'string', value: '<dir>', description: 'the configuration folder (the one that contains etl/)' },
      collect: { type: 'string', value: '<dir>', description: 'the folder that mirrors the Collect bucket (default: worked out from --file)' },
      workdir: WORKDIR,
      ...EXTRAS_OPTIONS,
    },
    example: 'insurancelake ide vscode --job collect-to-cleanse --file ./collect/SyntheticGeneralData/PolicyData/policies.csv --config ./config',
    positionals: 'the editor',
    handler: ideCommand,
  },
  'query': {
    summary: 'run Spark SQL against the local catalog of a previous run',
    usage: 'insurancelake query [--workdir <dir>] [--json] "<SQL>"',
    description: 'Runs one Spark SQL statement against the tables a previous run or demo wrote (at most 1,000 rows are\n'
      + 'printed). Names resolve in the local Iceberg catalog first, then in the session catalog (Parquet tables).\n'
      + 'The views audit, dq_results and lineage hold the working folder\'s audit, DQ results and lineage items.',
    options: {
      workdir: { ...WORKDIR, description: 'the working folder of that run (default: ./insurancelake-work)' },
      json: { type: 'boolean', description: 'print one JSON object per row' },
    },
    example: 'insurancelake query --workdir ./insurancelake-demo "SELECT COUNT(*) FROM syntheticgeneraldata_consume.policydata"',
    positionals: 'the SQL',
    handler: queryCommand,
  },
  'audit': {
    summary: 'list the executions of every run of a working folder, from its audit table',
    usage: 'insurancelake audit [--workdir <dir>] [--json] [--limit <N>]',
    description: 'The audit, DQ results and lineage tables of a working folder outlive its runs (state.json, saved after\n'
      + 'every file): this lists what the audit table holds, oldest first, with each file\'s status, row counts and\n'
      + 'error. Needs neither Python nor Spark.',
    options: {
      workdir: { ...WORKDIR, description: 'the working folder of the runs (default: ./insurancelake-work)' },
      json: { type: 'boolean', description: 'print {"executions": [...]} with the whole error messages' },
      limit: { type: 'string', value: '<N>', description: 'only the N most recent executions (default: 50)' },
    },
    example: 'insurancelake audit --workdir ./insurancelake-demo --limit 10',
    handler: auditCommand,
  },
  'load-lookups': {
    summary: 'load and check the lookup files of a configuration folder',
    usage: 'insurancelake load-lookups --config <dir>',
    description: 'Loads <config>/lookups/lookups.json\'s value and multi lookups into lookup tables shaped as the lake\'s,\n'
      + 'to check them (the tables live for this command only; run loads them before each run).',
    options: {
      config: { type: 'string', value: '<dir>', description: 'the configuration folder (the one that contains lookups/lookups.json)' },
    },
    example: 'insurancelake load-lookups --config ./config',
    handler: loadLookupsCommand,
  },
};

/** The environment variables the CLI reads, with what they change (the README lists the same). */
export const ENVIRONMENT: [string, string][] = [
  ['INSURANCELAKE_VENV', 'the Python virtual environment to use (created if missing) instead of <cache>/venv-<hash>'],
  ['INSURANCELAKE_PYTHON', 'the Python 3.11 that creates the environment (default: python3.11, then python3)'],
  ['INSURANCELAKE_IVY_DIR', 'where Spark keeps the Maven jars (default: <cache>/ivy)'],
  ['INSURANCELAKE_DRIVER_MEMORY', 'the local Spark driver\'s memory (default: 2g)'],
  ['INSURANCELAKE_EXTRA_JARS', 'more jars for the local Spark session (comma-separated paths), after <config>/jars/*.jar'],
  ['INSURANCELAKE_LOG_LEVEL', 'log level of the Spark worker\'s log (default: INFO)'],
  ['INSURANCELAKE_DEBUG', '1: print the stack trace of an unexpected failure, as --verbose does'],
  ['XDG_CACHE_HOME', '<cache> is $XDG_CACHE_HOME/insurancelake (default: ~/.cache/insurancelake)'],
];

/** `insurancelake <command> --help`. */
export function commandHelp(name: string, command: Command): string {
  const options = Object.entries(command.options).map(([option, o]) => {
    const flag = `--${option}${o.value ? ` ${o.value}` : ''}`;
    return `  ${flag.padEnd(24)} ${o.description}`;
  });
  return [
    `insurancelake ${name} — ${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...options,
    `  ${'-h, --help'.padEnd(24)} show this help`,
    '',
    'Example:',
    `  ${command.example}`,
    '',
  ].join('\n');
}
