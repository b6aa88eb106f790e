import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LaunchConfiguration, mergeLaunchConfiguration, stripJsonComments } from '../src/commands/ide';

// `insurancelake ide vscode` merges into an existing launch.json, which VS Code lets users write
// with comments and trailing commas; it never overwrites a file it cannot read.
const launch = (name: string, args: string[] = []): LaunchConfiguration => ({
  name,
  type: 'debugpy',
  request: 'launch',
  python: '/venv/bin/python',
  module: 'insurancelake_local.debug_job',
  args,
  cwd: '/work',
  env: {},
  console: 'integratedTerminal',
  justMyCode: false,
});

describe('launch.json merge', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-launch-'));

  test('comments and trailing commas are read; "//" inside a string is a string', () => {
    const text = '{\n  // a comment\n  "url": "http://x//y", /* block */\n  "list": [1, 2,],\n}\n';
    expect(JSON.parse(stripJsonComments(text))).toEqual({ url: 'http://x//y', list: [1, 2] });
  });

  test('a missing file is created; the same name is replaced and other entries and keys are kept', () => {
    const file = path.join(dir, 'a', '.vscode', 'launch.json');
    expect(mergeLaunchConfiguration(file, launch('job', ['x']))).toEqual({ replaced: false, droppedComments: false });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"configurations": [', '"compounds": [],\n  "configurations": [{ "name": "mine", "type": "node" },'));
    expect(mergeLaunchConfiguration(file, launch('job', ['y'])).replaced).toBe(true);
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(document.compounds).toEqual([]);
    expect(document.configurations.map((c: any) => [c.name, c.args])).toEqual([['mine', undefined], ['job', ['y']]]);
  });

  test('a file that is not JSON is left as it is, and the error names it', () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{ "configurations": [ { "name": ');
    expect(() => mergeLaunchConfiguration(file, launch('job'))).toThrow(`${file} is not valid JSON`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ "configurations": [ { "name": ');
  });
});
