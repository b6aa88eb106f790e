import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI_ROOT, CONSTRUCT_ROOT } from './paths';

/** The versions of this CLI and of the cdk-insurancelake library it synthesizes and runs. */
export function versions(): { cli: string; construct: string } {
  const read = (root: string) => String(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  return { cli: read(CLI_ROOT), construct: read(CONSTRUCT_ROOT) };
}
