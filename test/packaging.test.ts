import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// What `npm publish` would ship: the engine and the bundled Lambdas in, tests and caches out.
describe('npm package contents', () => {
  const root = path.join(__dirname, '..');
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
  );
  const files: string[] = packed[0].files.map((f: { path: string }) => f.path);

  test.each([
    'assets/glue/etl_collect_to_cleanse.py',
    'assets/glue/etl_cleanse_to_consume.py',
    'assets/glue/etl_consume_entity_match.py',
    'assets/glue/insurancelake_etl/__init__.py',
    'assets/glue/insurancelake_etl/transforms/registry.py',
    'assets/glue/requirements.txt',
    'assets/glue/insurancelake_etl/schemas/transformation-spec.schema.json',
    'assets/glue/insurancelake_etl/contract.json',
    'assets/local/insurancelake_local/worker.py',
    'assets/local/insurancelake_local/moto_server.py',
    'assets/local/insurancelake_local/datagen/__main__.py',
    'lib/index.js',
    'lib/index.d.ts',
    '.jsii',
  ])('ships %s', (file) => {
    expect(files).toContain(file);
  });

  test('ships every bundled Lambda handler', () => {
    expect(files.filter((f) => f.startsWith('assets/lambda/') && f.endsWith('index.js')).length).toBeGreaterThanOrEqual(3);
  });

  test('ships the CLI and what it needs to set up Python', () => {
    expect(files).toContain('lib/cli/main.js');
    expect(files).toContain('scripts/python-env.sh');
    expect(files).toContain('assets/glue/requirements-dev.txt');
    expect(files).toContain('assets/glue/requirements.lock');
    expect(files.some((f) => f.startsWith('examples/config/etl/transformation-spec/'))).toBe(true);
  });

  test('ships no tests, caches, virtual environments or sources of tools', () => {
    const own = files.filter((f) => !f.startsWith('node_modules/')); // bundled CLI dependencies
    const unwanted = own.filter((f) =>
      /(^|\/)(__pycache__|\.pytest_cache|\.ruff_cache|\.venv)\//.test(f) ||
      f.endsWith('.pyc') ||
      /^(test|integ|bench|build|test-reports|\.ci)\//.test(f),
    );
    expect(unwanted).toEqual([]);
  });
});
