import * as path from 'node:path';

/** The package root: the same from `src/cli/` (ts-node, tests) and `lib/cli/` (published). */
export const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** The ETL engine folder: entry scripts, `insurancelake_etl`, requirements. */
export const ENGINE_DIR = path.join(PACKAGE_ROOT, 'assets', 'glue');

/** The local runner's Python package folder (`insurancelake_local`: worker, moto server, data generator). */
export const LOCAL_ENGINE_DIR = path.join(PACKAGE_ROOT, 'assets', 'local');

/** The PYTHONPATH of every Python process the CLI starts: the engine and the local package. */
export const ENGINE_PYTHONPATH = [ENGINE_DIR, LOCAL_ENGINE_DIR].join(path.delimiter);

/** The bundled Lambda handlers (projen/esbuild output). */
export const LAMBDA_DIR = path.join(PACKAGE_ROOT, 'assets', 'lambda');

/** The example configuration and the demo's data generator settings. */
export const EXAMPLES_DIR = path.join(PACKAGE_ROOT, 'examples');
