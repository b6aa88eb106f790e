import * as path from 'node:path';

/** This package's root: the same from `src/` (ts-node, tests) and `lib/` (published). */
export const CLI_ROOT = path.join(__dirname, '..');

/**
 * The construct library's package root (`cdk-insurancelake`), wherever npm put it: the CLI runs its
 * engine, its bundled Lambda handlers and its example configuration.
 */
export const CONSTRUCT_ROOT = path.dirname(require.resolve('cdk-insurancelake/package.json'));

/** The ETL engine folder of the construct package: entry scripts, `insurancelake_etl`, requirements. */
export const ENGINE_DIR = path.join(CONSTRUCT_ROOT, 'assets', 'glue');

/** This package's Python folder: `insurancelake_local` (worker, moto server, data generator) and its requirements. */
export const LOCAL_ENGINE_DIR = path.join(CLI_ROOT, 'python');

/** The PYTHONPATH of every Python process the CLI starts: the engine and the local package. */
export const ENGINE_PYTHONPATH = [ENGINE_DIR, LOCAL_ENGINE_DIR].join(path.delimiter);

/** The example configuration the construct package ships; the demo runs it. */
export const EXAMPLES_DIR = path.join(CONSTRUCT_ROOT, 'examples');
