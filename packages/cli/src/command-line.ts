import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { closeMatch } from 'cdk-insurancelake/lib/local-runner';
import type { Command } from './commands';
import { UsageError } from './errors';

/** The options and positional arguments of one command's command line. */
export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/**
 * Parse `args` with the command's options. A mistake is a UsageError that says what to change in
 * the words of this CLI (node's parser speaks of its own API): an unknown option with the closest
 * one, an option without its value, a value no option takes.
 */
export function parseCommandLine(name: string, command: Command, args: string[]): ParsedCommandLine {
  const options = Object.fromEntries(Object.entries(command.options).map(([option, o]) => [option, { type: o.type }]));
  let parsed: ParsedCommandLine;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${name}: ${explain(error as Error & { code?: string }, command)}`);
  }
  if (!command.positionals && parsed.positionals.length) {
    const value = parsed.positionals[0];
    throw new UsageError(`${name}: unexpected argument "${value}": every value of ${name} follows its option (${optionList(command)})`);
  }
  return parsed;
}

function explain(error: Error & { code?: string }, command: Command): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    // difflib's default cutoff (0.6): options are short, so a typo changes a larger share of them than of a spec key.
    const close = closeMatch(option.replace(/^-+/, ''), Object.keys(command.options), 0.6);
    return `unknown option ${option}${close ? `; did you mean --${close}?` : ''} (options: ${optionList(command)})`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    const known = command.options[option.replace(/^-+/, '')];
    if (known?.type === 'string') return `${option} needs a value: ${option} ${known.value ?? '<value>'}`;
    return `${option} takes no value`;
  }
  return error.message;
}

function optionList(command: Command): string {
  return Object.entries(command.options).map(([option, o]) => `--${option}${o.value ? ` ${o.value}` : ''}`).join(', ');
}

/** The absolute path of a required folder option: a UsageError when it is missing or no folder. */
export function requiredFolder(name: string, value: string | boolean | undefined, flag: string, what: string): string {
  if (typeof value !== 'string' || !value) throw new UsageError(`${name}: ${flag} is required: ${what}`);
  const dir = path.resolve(value);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${name}: ${flag} ${value} is not a folder`);
  return dir;
}
