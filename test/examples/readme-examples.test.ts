import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { markedPythonBlocks, readmeTranslations, typescriptFences, withTranslations } from '../../scripts/readme-python';

// Every TypeScript block of the README and every @example of the library compiles with jsii-rosetta
// in strict mode (fixtures in rosetta/), and the README's Python is rosetta's translation of its
// TypeScript. Reads the compiled assembly (.jsii): `npm test` compiles first.

const root = path.join(__dirname, '..', '..');

describe('README and @example snippets', () => {
  let tablet: any;
  let output = '';

  beforeAll(() => {
    // A previous tablet would be reused as a cache, with the README lines of that time.
    fs.rmSync(path.join(root, '.jsii.tabl.json'), { force: true });
    // rosetta npm-installs this folder (file:) beside the example dependencies; install-links makes
    // npm pack it instead of linking it, because npm cannot load a linked folder whose node_modules
    // links back to itself (the packages/cli workspace depends on the library through `file:../..`).
    const run = spawnSync('npx', ['jsii-rosetta', 'extract', '--strict'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', npm_config_install_links: 'true' },
    });
    output = `${run.stdout}\n${run.stderr}`.split('\n').filter(l => !l.startsWith('!!')).join('\n');
    if (run.status !== 0) throw new Error(`jsii-rosetta extract --strict failed:\n${output}`);
    tablet = JSON.parse(fs.readFileSync(path.join(root, '.jsii.tabl.json'), 'utf8'));
  }, 300_000);

  test('jsii-rosetta compiles every snippet in strict mode', () => {
    expect(output).not.toMatch(/error TS\d+/);
    const failed = Object.values(tablet.snippets).filter((s: any) => s.didCompile !== true).map((s: any) => JSON.stringify(s.location));
    expect(failed).toEqual([]);
  });

  test('every TypeScript block of the README is among them', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const translated = [...readmeTranslations(tablet).keys()].sort((a, b) => a - b);
    expect(translated).toEqual(typescriptFences(readme));
    expect(translated.length).toBeGreaterThanOrEqual(3);
  });

  test('every @example of a public type is among them', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
    const withExample = Object.entries(assembly.types as Record<string, any>).filter(([, t]) => t.docs?.example).map(([fqn]) => fqn).sort();
    const compiled = Object.values(tablet.snippets).filter((s: any) => s.location.field?.field === 'example')
      .map((s: any) => s.location.api.fqn).sort();
    expect(withExample.length).toBeGreaterThanOrEqual(9);
    expect(compiled).toEqual(withExample);
  });

  test('the README\'s Python blocks are the translations of the TypeScript blocks above them', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(markedPythonBlocks(readme).length).toBeGreaterThanOrEqual(1);
    // On a difference: `npx projen readme:python` rewrites them.
    expect(readme).toEqual(withTranslations(readme, tablet));
  });
});
