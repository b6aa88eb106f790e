import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Your own Python library and jar in local runs (--python-modules, <config>/jars/), and the VS Code
// launch configuration of `insurancelake ide vscode`, run here with plain python. The library is a
// wheel built from a folder by this test and installed by pip from that path (no index); the jar is
// compiled by the JDK's javac and jar.
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const ENGINE = path.join(ROOT, 'assets', 'glue');

/** Zip a package folder into a wheel (what a build backend makes; the environment has no `wheel`). */
const BUILD_WHEEL = `import sys, zipfile
from pathlib import Path
src, out = Path(sys.argv[1]), Path(sys.argv[2])
dist = "ilhelper-0.1.0.dist-info"
with zipfile.ZipFile(out, "w") as wheel:
    wheel.write(src / "ilhelper" / "__init__.py", "ilhelper/__init__.py")
    wheel.writestr(f"{dist}/METADATA", "Metadata-Version: 2.1\\nName: ilhelper\\nVersion: 0.1.0\\n")
    wheel.writestr(f"{dist}/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    wheel.writestr(f"{dist}/RECORD", "".join(f"{name},,\\n" for name in ("ilhelper/__init__.py", f"{dist}/METADATA", f"{dist}/WHEEL", f"{dist}/RECORD")))
`;

const TRANSFORM = `"""Tags items with the test's own Python library and Java class."""
import ilhelper
import pandas as pd
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf

from insurancelake_etl.transforms import transform


@transform("tag_items", schema={"type": "object", "required": ["source"], "additionalProperties": False,
                                "properties": {"source": {"type": "string"}}})
def tag_items(df, spec, ctx):
    """Tag a column with ilhelper (in Spark's Python workers) and iltest.Tagger (in the JVM)."""
    source = spec["source"]

    @pandas_udf("string")
    def shouted(values: pd.Series) -> pd.Series:
        return values.map(ilhelper.shout)

    return df.withColumns({
        "java_tag": F.expr(f"reflect('iltest.Tagger', 'tag', \`{source}\`)"),
        "python_tag": shouted(F.col(source)),
    })
`;

/** `--name value` lines (values single-quoted for the shell when needed) back to a map. */
function parseArgLines(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => {
    const m = /^(--\S+) (.*)$/.exec(line)!;
    const value = m[2].startsWith("'") ? m[2].slice(1, -1).split("'\\''").join("'") : m[2];
    return [m[1], value];
  }));
}

function withoutRunIds(args: Record<string, string>): Record<string, string> {
  const { '--execution_id': _e, '--JOB_RUN_ID': _r, ...rest } = args;
  return rest;
}

describe('own libraries and jars in local runs, and ide vscode', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'il-extras-'));
  const pkg = path.join(tmp, 'ilhelper-src');
  const wheel = path.join(tmp, 'ilhelper-0.1.0-py3-none-any.whl');
  const transforms = path.join(tmp, 'transforms');
  const config = path.join(tmp, 'config');
  const file = path.join(tmp, 'collect', 'Shop', 'Items', 'items.csv');
  // The --python-modules install goes to this test's cache, with no package index.
  const env = { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache'), PIP_NO_INDEX: '1' };
  const python = path.join(process.env.INSURANCELAKE_VENV!, 'bin', 'python'); // test/setup/dev-python.ts
  const extras = ['--config', config, '--transforms', transforms, '--python-modules', wheel];

  function cli(args: string[], cwd = ROOT): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 600_000 });
  }

  function tags(workdir: string): string[][] {
    const query = cli(['query', '--workdir', workdir, '--json', 'SELECT name, java_tag, python_tag FROM shop.items ORDER BY name']);
    // Nothing on stderr but query's start-up progress line: no warning, no error.
    expect(query.stderr).toMatch(/^insurancelake: starting local Spark for the query… [\d.]+ s\n$/);
    return query.stdout.trim().split('\n').map((line) => Object.values(JSON.parse(line)) as string[]);
  }

  beforeAll(() => {
    const write = (target: string, text: string) => {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    };
    write(path.join(pkg, 'ilhelper', '__init__.py'), 'def shout(value):\n    return None if value is None else value.upper() + "!"\n');

    const java = path.join(tmp, 'java');
    write(path.join(java, 'iltest', 'Tagger.java'),
      'package iltest;\npublic class Tagger {\n  public static String tag(String value) { return value == null ? null : "java:" + value; }\n}\n');
    const run = (command: string, args: string[], options: object = {}) => {
      const r = spawnSync(command, args, { encoding: 'utf8', ...options });
      if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr}`);
    };
    run(python, ['-c', BUILD_WHEEL, pkg, wheel]);
    run('javac', ['-d', path.join(java, 'classes'), path.join(java, 'iltest', 'Tagger.java')]);
    fs.mkdirSync(path.join(config, 'jars'), { recursive: true });
    run('jar', ['cf', path.join(config, 'jars', 'iltest.jar'), '-C', path.join(java, 'classes'), '.']);

    write(path.join(transforms, 'tagging.py'), TRANSFORM);
    // The schema file the construct reads; generating it imports the module, so ilhelper's source is on the path.
    run(python, ['-m', 'insurancelake_etl.spec_schema', '--modules', transforms, '--write'],
      { cwd: ENGINE, env: { ...process.env, PYTHONPATH: [ENGINE, pkg].join(path.delimiter) } });

    const specs = path.join(config, 'etl', 'transformation-spec');
    write(path.join(specs, 'Shop-Items.json'), JSON.stringify({ transform_spec: { tag_items: { source: 'name' } } }, null, 2));
    write(path.join(specs, 'Shop-Items.csv'), 'SourceName,DestName\nItemId,itemid\nName,name\n');
    write(file, 'ItemId,Name\n1,apple\n2,pear\n');
  });

  test('validate loads the modules with the library installed', () => {
    const validate = cli(['validate', ...extras]);
    expect(validate.stdout).toMatch(/configuration is valid/);
    expect(validate.status).toBe(0);
  }, 600_000);

  test('a job imports the library in the driver and Spark\'s Python workers and calls the jar\'s class', () => {
    const workdir = path.join(tmp, 'job');
    const job = cli(['job', 'collect-to-cleanse', '--file', file, ...extras, '--workdir', workdir]);
    expect(job.stdout).toMatch(/^SUCCEEDED .*collect-to-cleanse-job: read 2, wrote 2/);
    expect(job.status).toBe(0);
    // Installed into the cache, keyed by the list: never into the environment.
    expect(spawnSync(python, ['-c', 'import ilhelper'], { cwd: tmp }).status).not.toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'cache', 'insurancelake', 'python-modules')).some((d) => fs.existsSync(path.join(tmp, 'cache', 'insurancelake', 'python-modules', d, 'ilhelper')))).toBe(true);
    expect(tags(workdir)).toEqual([['apple', 'java:apple', 'APPLE!'], ['pear', 'java:pear', 'PEAR!']]);
  }, 900_000);

  test('ide vscode merges a launch configuration whose program, arguments and environment run the job', () => {
    const project = path.join(tmp, 'project');
    const workdir = path.join(tmp, 'ide');
    const launchFile = path.join(project, '.vscode', 'launch.json');
    fs.mkdirSync(path.dirname(launchFile), { recursive: true });
    fs.writeFileSync(launchFile, '{\n  // mine\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "mine", "type": "node", "request": "launch", },\n  ],\n}\n');
    const ideArgs = ['ide', 'vscode', '--job', 'collect-to-cleanse', '--file', file, ...extras, '--workdir', workdir];
    const ide = cli(ideArgs, project);
    expect(ide.stderr).not.toMatch(/Error/);
    expect(ide.status).toBe(0);
    expect(cli(ideArgs, project).stdout).toMatch(/^replaced "insurancelake collect-to-cleanse Shop\/Items\/items.csv"/);
    const launch = JSON.parse(fs.readFileSync(launchFile, 'utf8'));
    expect(launch.configurations.map((c: any) => c.name)).toEqual(['mine', 'insurancelake collect-to-cleanse Shop/Items/items.csv']);
    const debug = launch.configurations[1];
    expect(debug).toMatchObject({ type: 'debugpy', request: 'launch', module: 'insurancelake_local.debug_job' });
    expect(debug.args[0]).toBe(path.join(ENGINE, 'etl_collect_to_cleanse.py'));

    // Exactly the arguments `insurancelake job --print-args` gives (the run ids are new on every call).
    const printed = cli(['job', 'collect-to-cleanse', '--file', file, ...extras, '--workdir', workdir, '--print-args']);
    expect(printed.status).toBe(0);
    const args: string[] = debug.args.slice(1);
    const pairs = Object.fromEntries(args.flatMap((a, i) => (i % 2 === 0 ? [[a, args[i + 1]]] : [])));
    expect(withoutRunIds(pairs)).toEqual(withoutRunIds(parseArgLines(printed.stdout)));
    expect(pairs['--transform_modules_path']).toBe(transforms);

    // The launch without a debugger: its python, module, arguments, folder and environment.
    const debugged = spawnSync(debug.python, ['-m', debug.module, ...debug.args], {
      cwd: debug.cwd, env: { ...process.env, ...debug.env }, encoding: 'utf8', timeout: 600_000,
    });
    expect(debugged.stderr).not.toMatch(/Traceback/);
    expect(debugged.status).toBe(0);
    expect(tags(workdir)).toEqual([['apple', 'java:apple', 'APPLE!'], ['pear', 'java:pear', 'PEAR!']]);
  }, 900_000);
});
