import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

/**
 * Load a bundled Lambda handler of the construct package (`assets/lambda/<fn>/index.js`) so that its
 * `require('@aws-sdk/...')` calls resolve from this package's dependencies. The bundles leave the SDK
 * external (the Lambda runtime has it); the construct package does not carry it, the CLI does, and
 * npm may place the CLI's copy anywhere (hoisted, or nested under the CLI when the user's project
 * has other versions). The bundle is one file, so giving its module this module's lookup paths first
 * covers every import it makes.
 */
export function loadHandler(file: string): Record<string, unknown> {
  const handlerModule = new Module(file, module);
  handlerModule.filename = file;
  handlerModule.paths = [...module.paths, ...(Module as any)._nodeModulePaths(path.dirname(file))];
  (handlerModule as any)._compile(fs.readFileSync(file, 'utf8'), file);
  handlerModule.loaded = true;
  return handlerModule.exports;
}
