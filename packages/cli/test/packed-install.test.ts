import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Both packages as a user gets them: packed (scripts/pack-cli.sh for the CLI, `npm pack` for the
// construct library), installed with npm from the tarballs into a fresh project. The registry (or
// npm's cache) provides the rest: aws-cdk-lib, constructs, the SDK clients.
const PACKAGE = path.join(__dirname, '..');
const REPO = path.join(PACKAGE, '..', '..');
const project = fs.mkdtempSync(path.join(os.tmpdir(), 'il-packed-'));
const modules = path.join(project, 'node_modules');
const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function run(command: string, args: string[], cwd = project): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  const tarballs = path.join(project, 'tarballs');
  fs.mkdirSync(tarballs);
  const construct = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tarballs], REPO))[0].filename;
  const cli = run('bash', [path.join(REPO, 'scripts', 'pack-cli.sh'), tarballs]).trim().split('\n').pop()!;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'a-cdk-app', version: '1.0.0', private: true }));
  run('npm', ['install', '--prefer-offline', '--no-package-lock', path.join(tarballs, construct), cli]);
}, 600_000);

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test('the CLI tarball depends on the construct version, not on the workspace link', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(modules, 'cdk-insurancelake-cli', 'package.json'), 'utf8'));
  const construct = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  expect(pkg.dependencies['cdk-insurancelake']).toBe(construct.version);
});

test('the bin is executable and `npx insurancelake --version` names both packages', () => {
  const bin = path.join(modules, 'cdk-insurancelake-cli', 'lib', 'main.js');
  expect(fs.statSync(bin).mode.toString(8).slice(-3)).toBe('755');
  const out = run('npx', ['--no-install', 'insurancelake', '--version']);
  expect(out).toMatch(/^insurancelake \S+ \(cdk-insurancelake-cli\), cdk-insurancelake \S+\n$/);
});

test('insurancelake validate runs from the installed packages (engine from the construct, worker from the CLI)', () => {
  const result = spawnSync(path.join(modules, '.bin', 'insurancelake'), ['validate', '--config', path.join(REPO, 'examples', 'config')],
    { cwd: project, env, encoding: 'utf8', timeout: 300_000 });
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/configuration is valid/);
  expect(result.status).toBe(0);
}, 320_000);

test("the bundled Lambda handlers load their SDK clients from the CLI's dependencies, even when npm nests them under the CLI", () => {
  // What npm does when the user's project has other versions of these clients at the top level.
  const nested = path.join(modules, 'cdk-insurancelake-cli', 'node_modules', '@aws-sdk');
  fs.mkdirSync(nested, { recursive: true });
  for (const client of ['client-dynamodb', 'client-s3', 'client-sfn', 'client-sns']) {
    fs.renameSync(path.join(modules, '@aws-sdk', client), path.join(nested, client));
  }
  const handlers = path.join(modules, 'cdk-insurancelake', 'assets', 'lambda', 'orchestration', 'lambda');
  const script = `
    const path = require('path');
    const { loadHandler } = require('cdk-insurancelake-cli/lib/lambda-handler');
    for (const fn of require('fs').readdirSync(${JSON.stringify(handlers)})) {
      const file = path.join(${JSON.stringify(handlers)}, fn, 'index.js');
      let plain;
      try { require(file); plain = 'loaded'; } catch (e) { plain = e.code; }
      console.log(fn, plain, typeof loadHandler(file).handler);
    }`;
  const lines = run(process.execPath, ['-e', script]).trim().split('\n').sort();
  expect(lines).toEqual([
    'dependency-trigger.lambda MODULE_NOT_FOUND function',
    'job-auditor.lambda MODULE_NOT_FOUND function',
    'trigger.lambda MODULE_NOT_FOUND function',
  ]);
});
