import * as path from 'path';

/**
 * The folder of the Glue engine shipped with the library (`assets/glue/`). `src/etl/` and `lib/etl/`
 * sit at the same depth, so the path is the same from TypeScript sources (tests) and compiled code.
 */
export function assetRoot(): string {
  return path.join(__dirname, '..', '..', 'assets', 'glue');
}
