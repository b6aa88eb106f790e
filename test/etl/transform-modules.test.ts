import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { Configuration, TransformModules } from '../../src';
import { lakeTemplate } from '../insurance-lake.fixtures';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const MODULES = path.join(EXAMPLES, 'transforms');
const CONFIG = path.join(EXAMPLES, 'config-transforms');
const SPEC = 'etl/transformation-spec/RatingDemo-Policies.json';
const JOB_NAMES = ['collect-to-cleanse-job', 'cleanse-to-consume-job', 'consume-entity-match-job'];
const REGENERATE = 'regenerate it: python -m insurancelake_etl.spec_schema --modules';

/** A copy of `folder` to change. */
function copy(folder: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-transforms-'));
  fs.cpSync(folder, dir, { recursive: true });
  return dir;
}

function edit(file: string, change: (text: string) => string): void {
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
}

function jobArgs(template: Template, suffix: string): Record<string, any> {
  const found = Object.values(template.findResources('AWS::Glue::Job', { Properties: { Name: `dev-insurancelake-${suffix}` } })) as any[];
  expect(found).toHaveLength(1);
  return found[0].Properties.DefaultArguments;
}

function synthError(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('TransformModules: shipped to every job beside the engine', () => {
  const { lake, template } = lakeTemplate({ configurationPath: CONFIG, transformModules: TransformModules.fromAsset(MODULES) });
  const modulesKey = lake.etl.transformModulesAsset!.s3ObjectKey;

  test.each(JOB_NAMES)('%s gets the engine zip and the modules zip in --extra-py-files, and --transform_modules', (suffix) => {
    const args = jobArgs(template, suffix);
    const files = (args['--extra-py-files'] as string).split(',');
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(new RegExp(`/${lake.etl.engineAsset.assetHash}\\.zip$`));
    expect(files[1]).toMatch(/^s3:\/\/cdk-[a-z0-9]+-assets-123456789012-us-east-2\/[0-9a-f]{64}\.zip$/);
    expect(files[1].endsWith(`/${modulesKey}`)).toBe(true);
    expect(args['--transform_modules']).toBe('rating');
  });

  test('the modules zip is its own asset of the folder, not part of the engine zip', () => {
    expect(lake.etl.transformModulesAsset!.assetHash).not.toBe(lake.etl.engineAsset.assetHash);
    const module = TransformModules.fromAsset(MODULES);
    expect(module.moduleNames).toEqual(['rating']);
    expect(module.transformKeys).toEqual(['rate_policies']);
  });

  test('the Glue role may read the modules zip', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
    const statement = policies.flatMap(p => p.Properties.PolicyDocument.Statement).find((s: any) => s.Sid === 'ReadEngine');
    expect(JSON.stringify(statement.Resource)).toContain(`/${lake.etl.transformModulesAsset!.s3ObjectKey}`);
  });

  test('without transformModules the jobs get the engine zip only and no --transform_modules', () => {
    const plain = lakeTemplate().template;
    const args = jobArgs(plain, 'collect-to-cleanse-job');
    expect((args['--extra-py-files'] as string).split(',')).toHaveLength(1);
    expect(args['--transform_modules']).toBeUndefined();
  });
});

describe('TransformModules: the synth-time spec check knows the user keys', () => {
  test('a spec using a user key passes; its value is checked against the module\'s schema', () => {
    const config = copy(CONFIG);
    edit(path.join(config, SPEC), t => t.replace('"batch_size": 2', '"batch_size": 0'));
    const message = synthError(() => lakeTemplate({ configurationPath: config, transformModules: TransformModules.fromAsset(MODULES) }));
    expect(message).toMatch(/^\[Configuration\.Invalid\] configuration folder ".*" has 1 problem the jobs would fail on:\n/);
    expect(message).toContain(`  ${SPEC}: $.transform_spec.rate_policies.batch_size: 0 is too small; expected at least 1\n`);
    expect(message).toContain(`--transforms ${MODULES} checks a folder`);
  });

  test('an unknown key fails synth naming it, with the closest user key', () => {
    const config = copy(CONFIG);
    edit(path.join(config, SPEC), t => t.replace('"rate_policies"', '"rate_polices"'));
    const message = synthError(() => lakeTemplate({ configurationPath: config, transformModules: TransformModules.fromAsset(MODULES) }));
    expect(message).toContain(`${SPEC}: $.transform_spec.rate_polices: unknown key "rate_polices"; did you mean "rate_policies"?`);
  });

  test('without the modules the user key is unknown', () => {
    const message = synthError(() => lakeTemplate({ configurationPath: CONFIG }));
    expect(message).toContain(`${SPEC}: $.transform_spec.rate_policies: invalid key "rate_policies"; expected a key matching ^(`);
  });

  test('Configuration.fromAsset with the lake\'s transformModules validates at bind', () => {
    const { template } = lakeTemplate({ configuration: Configuration.fromAsset(CONFIG), transformModules: TransformModules.fromAsset(MODULES) });
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});

describe('TransformModules: a wrong modules folder fails synth naming the module and the fix', () => {
  test('a changed module makes transforms.schema.json stale', () => {
    const modules = copy(MODULES);
    edit(path.join(modules, 'rating.py'), t => t.replace('"maximum": 10000', '"maximum": 5000'));
    expect(() => TransformModules.fromAsset(modules)).toThrow(
      `[TransformModules.Schema] ${modules}/transforms.schema.json is stale: rating.py changed since it was generated; ${REGENERATE} ${modules} --write`);
  });

  test('a new module file makes it stale', () => {
    const modules = copy(MODULES);
    fs.writeFileSync(path.join(modules, 'pricing.py'), 'X = 1\n');
    expect(() => TransformModules.fromAsset(modules)).toThrow(/transforms\.schema\.json is stale: pricing\.py is not in it; regenerate it/);
  });

  test('a registration the file does not list is named with its module', () => {
    const modules = copy(MODULES);
    edit(path.join(modules, 'transforms.schema.json'), t => {
      const doc = JSON.parse(t);
      delete doc['x-insurancelake-transforms'].transforms.rate_policies;
      return JSON.stringify(doc);
    });
    expect(() => TransformModules.fromAsset(modules)).toThrow(
      `[TransformModules.Schema] rating.py registers transform "rate_policies", which ${modules}/transforms.schema.json does not list; ${REGENERATE}`);
  });

  test('a missing schema file names the command that generates it', () => {
    const modules = copy(MODULES);
    fs.rmSync(path.join(modules, 'transforms.schema.json'));
    expect(() => TransformModules.fromAsset(modules)).toThrow(/^\[TransformModules\.Schema\] .*transforms\.schema\.json is missing: .*; regenerate it: python -m insurancelake_etl\.spec_schema --modules /);
  });

  test('a key of a built-in transform is a clash naming both', () => {
    const modules = copy(MODULES);
    edit(path.join(modules, 'transforms.schema.json'), t => {
      const doc = JSON.parse(t);
      doc['x-insurancelake-transforms'].transforms.currency = { module: 'rating', file: 'rating.py', def: 'transform.rate_policies' };
      return JSON.stringify(doc);
    });
    expect(() => TransformModules.fromAsset(modules)).toThrow(
      `[TransformModules.Clash] transform "currency" of ${modules}/rating.py has the name of the built-in transform "currency" of the engine; rename it`);
  });

  test('an invalid schema fragment names the transform and its module', () => {
    const modules = copy(MODULES);
    edit(path.join(modules, 'transforms.schema.json'), t => {
      const doc = JSON.parse(t);
      doc.$defs['transform.rate_policies'].properties.batch_size.type = 'integr';
      return JSON.stringify(doc);
    });
    expect(() => TransformModules.fromAsset(modules)).toThrow(/^\[TransformModules\.Schema\] .*transforms\.schema\.json \(modules rating\.py\): the spec schema of transform "rate_policies" is not a valid JSON Schema: /);
  });

  test('a folder without modules is refused', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'il-transforms-'));
    expect(() => TransformModules.fromAsset(empty)).toThrow(/^\[TransformModules\.Folder\] transform modules folder ".*" holds no Python module/);
  });
});
