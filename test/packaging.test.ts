import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// What `npm publish` would ship: what a CDK app needs at synth time (the compiled library, the engine
// it deploys, the bundled Lambdas, the example configuration), and nothing of the local runner,
// which is its own package (packages/cli).
describe('npm package contents', () => {
  const root = path.join(__dirname, '..');
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
  )[0] as { size: number; unpackedSize: number; entryCount: number; files: { path: string; size: number }[] };
  const files = packed.files.map((f) => f.path);

  // Issue 14: a CDK app and every CI synth download this; it was 4.6 MB and 6,640 files while it
  // carried the CLI's SDK clients and aws-local-stepfunctions.
  const MAX_TARBALL_BYTES = 1.5 * 1024 * 1024;
  const MAX_FILES = 800;

  test(`the tarball is at most ${MAX_TARBALL_BYTES / 1024 / 1024} MiB and ${MAX_FILES} files`, () => {
    const biggest = [...packed.files].sort((a, b) => b.size - a.size).slice(0, 15)
      .map((f) => `${(f.size / 1024).toFixed(0).padStart(7)} KiB  ${f.path}`).join('\n');
    const summary = `${(packed.size / 1024 / 1024).toFixed(2)} MiB packed, ${packed.entryCount} files; biggest entries:\n${biggest}`;
    expect({ withinSize: packed.size <= MAX_TARBALL_BYTES, withinFiles: packed.entryCount <= MAX_FILES, summary })
      .toEqual({ withinSize: true, withinFiles: true, summary });
  });

  test.each([
    'assets/glue/etl_collect_to_cleanse.py',
    'assets/glue/etl_cleanse_to_consume.py',
    'assets/glue/etl_consume_entity_match.py',
    'assets/glue/insurancelake_etl/__init__.py',
    'assets/glue/insurancelake_etl/transforms/registry.py',
    'assets/glue/requirements.txt',
    // The CLI installs the engine's requirements with these transitive versions.
    'assets/glue/requirements.lock',
    'assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json',
    'assets/glue/insurancelake_etl/contract.json',
    'lib/index.js',
    'lib/index.d.ts',
    // The CLI's one entry point into the library's internals.
    'lib/local-runner.js',
    'lib/local-runner.d.ts',
    '.jsii',
  ])('ships %s', (file) => {
    expect(files).toContain(file);
  });

  test('ships every bundled Lambda handler', () => {
    expect(files.filter((f) => f.startsWith('assets/lambda/') && f.endsWith('index.js')).length).toBeGreaterThanOrEqual(3);
  });

  test('ships the example configuration, which users start from and the CLI demo runs', () => {
    expect(files.some((f) => f.startsWith('examples/config/etl/transformation-spec/'))).toBe(true);
  });

  test('ships no CLI, no runner dependencies and no bin', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toBeUndefined();
    expect(files.filter((f) => /^(lib\/cli\/|packages\/|assets\/local\/)/.test(f) || /insurancelake_local/.test(f))).toEqual([]);
    expect(files.filter((f) => /^node_modules\/(@aws-sdk|aws-local-stepfunctions)\//.test(f))).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@aws-sdk/') || d === 'aws-local-stepfunctions')).toEqual([]);
  });

  test('ships no tests, caches, virtual environments, development scripts or sources of tools', () => {
    const own = files.filter((f) => !f.startsWith('node_modules/')); // bundled dependencies
    const unwanted = own.filter((f) =>
      /(^|\/)(__pycache__|\.pytest_cache|\.ruff_cache|\.venv)\//.test(f) ||
      f.endsWith('.pyc') ||
      /^(test|integ|bench|build|test-reports|\.ci|scripts|docs|rosetta)\//.test(f) ||
      f === 'assets/glue/requirements-dev.txt',
    );
    expect(unwanted).toEqual([]);
  });
});
