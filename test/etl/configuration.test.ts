import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Configuration, InsuranceLake } from '../../src';
import { closeMatch, similarity } from '../../src/etl/close-match';
import { EXAMPLE_CONFIG, engineRoot, lakeTemplate, testApp, testStack } from '../insurance-lake.fixtures';

/** A copy of the example configuration to break. */
function exampleCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-config-'));
  fs.cpSync(EXAMPLE_CONFIG, dir, { recursive: true });
  return dir;
}

/** Edit one file of a configuration folder in place. */
function edit(dir: string, file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  fs.writeFileSync(full, change(fs.readFileSync(full, 'utf8')));
}

/** Every file under `dir`, relative and `/`-separated. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function jobArgs(template: Template, nameSuffix: string): Record<string, any> {
  const found = Object.values(template.findResources('AWS::Glue::Job', { Properties: { Name: `dev-insurancelake-${nameSuffix}` } })) as any[];
  expect(found).toHaveLength(1);
  return found[0].Properties.DefaultArguments;
}

describe('configurationPath: the README folder lands where the jobs read', () => {
  const app = testApp();
  const stack = testStack(app);
  const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), configurationPath: EXAMPLE_CONFIG });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const deployment = (Object.values(template.findResources('Custom::CDKBucketDeployment')) as any[])[0].Properties;
  const [sourceKey] = deployment.SourceObjectKeys as string[];
  const staged = path.join(assembly.directory, `asset.${sourceKey.replace(/\.zip$/, '')}`);
  /** The bucket key every file of the deployment gets: the destination prefix + its path in the asset. */
  const deployedKeys = files(staged).map(f => `${deployment.DestinationBucketKeyPrefix}${f}`);

  test('one deployment of one asset, into the bucket the jobs read (--txn_bucket), under etl/', () => {
    expect(deployment.SourceObjectKeys).toHaveLength(1);
    expect(deployment.DestinationBucketKeyPrefix).toBe('etl/');
    const txnBucket = jobArgs(template, 'collect-to-cleanse-job')['--txn_bucket'];
    expect(txnBucket).toEqual({ 'Fn::Join': ['', ['s3://', deployment.DestinationBucketName]] });
    expect(lake.configurationDeployment).toBeDefined();
  });

  test('each spec and mapping lands at exactly the key the collect job reads: --txn_spec_prefix_path + <DB>-<TBL>.json', () => {
    const specPrefix: string = jobArgs(template, 'collect-to-cleanse-job')['--txn_spec_prefix_path'];
    const specs = files(path.join(EXAMPLE_CONFIG, 'etl', 'transformation-spec'));
    expect(specs).toContain('SyntheticGeneralData-PolicyData.json');
    expect(specs).toContain('SyntheticGeneralData-PolicyData.csv');
    for (const spec of specs) {
      // The job reads <txn_bucket>/<prefix without its leading slash><DB>-<TBL>.json.
      expect(deployedKeys).toContain(`${specPrefix.replace(/^\//, '')}${spec}`);
    }
    expect(deployedKeys).toContain('etl/transformation-spec/SyntheticGeneralData-PolicyData.json');
    expect(deployedKeys.filter(k => k.startsWith('etl/etl/'))).toEqual([]);
  });

  test('each SQL file lands at --txn_sql_prefix_path of the cleanse job, DQ rules under etl/dq-rules/', () => {
    const sqlPrefix: string = jobArgs(template, 'cleanse-to-consume-job')['--txn_sql_prefix_path'];
    for (const sql of files(path.join(EXAMPLE_CONFIG, 'etl', 'transformation-sql'))) {
      expect(deployedKeys).toContain(`${sqlPrefix.replace(/^\//, '')}${sql}`);
    }
    for (const dq of files(path.join(EXAMPLE_CONFIG, 'etl', 'dq-rules'))) {
      expect(deployedKeys).toContain(`etl/dq-rules/${dq}`);
    }
  });

  test('the local-only lookups/ folder and the README are not deployed', () => {
    expect(deployedKeys.every(k => k.startsWith('etl/'))).toBe(true);
    expect(deployedKeys.some(k => k.includes('lookups'))).toBe(false);
    expect(deployedKeys).toHaveLength(files(path.join(EXAMPLE_CONFIG, 'etl')).length);
  });
});

describe('Configuration.fromAsset: deployment settings', () => {
  test('pruned in DEV only, retained unless DESTROY, logs encrypted with the profile retention', () => {
    const dev = lakeTemplate({ configurationPath: EXAMPLE_CONFIG }).template;
    dev.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^LakeStorageEtlScriptsBucket') },
      DestinationBucketKeyPrefix: 'etl/',
      Prune: true,
      RetainOnDelete: true,
    });
    const prod = lakeTemplate({ configurationPath: EXAMPLE_CONFIG, environmentName: 'prod' }).template;
    prod.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false });
    prod.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 180, KmsKeyId: Match.anyValue() });
  });

  test('prune and retainOnDelete options, and the lake\'s logRetention, apply', () => {
    const { template } = lakeTemplate({
      configuration: Configuration.fromAsset(EXAMPLE_CONFIG, { prune: false, retainOnDelete: false }),
      logRetention: 7,
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: false, RetainOnDelete: false });
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as any[];
    expect(groups.map(g => g.Properties.RetentionInDays)).toEqual(groups.map(() => 7));
  });

  test('no configuration: nothing is deployed', () => {
    const { template, lake } = lakeTemplate();
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    expect(lake.configurationDeployment).toBeUndefined();
  });

  test('configuration and configurationPath together are rejected', () => {
    expect(() => lakeTemplate({ configurationPath: EXAMPLE_CONFIG, configuration: Configuration.fromAsset(EXAMPLE_CONFIG) }))
      .toThrow(/^\[Configuration\.Conflict\] Lake\/Lake: configurationPath is a shorthand for configuration: Configuration\.fromAsset/);
  });
});

describe('Configuration.fromAsset: the folder layout', () => {
  const EXPECTED_TREE = /Expected the layout of the ETL scripts bucket:\n<configuration folder>\/\n {2}etl\/ +deployed to etl\/ in the ETL scripts bucket, at the same keys\n {4}transformation-spec\/<DB>-<TBL>\.json +transformation spec.*\n {4}transformation-spec\/<DB>-<TBL>\.csv +schema mapping[\s\S]*transformation-sql\/\{spark,athena,redshift\}-<DB>-<TBL>\.sql[\s\S]*dq-rules\/dq-<DB>-<TBL>\.json[\s\S]*\n {2}lookups\/lookups\.json +lookup data \(read only by insurancelake run\)$/;

  test.each([
    ['the etl/ folder itself', () => path.join(EXAMPLE_CONFIG, 'etl'), /looks like the etl\/ folder itself \(it holds transformation-spec\/, transformation-sql\/, dq-rules\/\); give the folder that contains etl\//],
    ['an empty folder', () => fs.mkdtempSync(path.join(os.tmpdir(), 'il-empty-')), /is empty/],
    ['a file', () => path.join(EXAMPLE_CONFIG, 'README.md'), /is a file, not a folder/],
    ['a missing folder', () => '/no/such/config', /does not exist/],
    ['a folder without etl/', () => path.join(EXAMPLE_CONFIG, 'lookups'), /has no etl\/ folder/],
    ['an etl/ folder with nothing the jobs read', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-bare-'));
      fs.mkdirSync(path.join(dir, 'etl', 'specs'), { recursive: true });
      return dir;
    }, /has a etl\/ folder with none of transformation-spec\/, transformation-sql\/, dq-rules\/ in it/],
  ])('%s fails with the expected tree', (_name, folder, problem) => {
    const dir = folder();
    let message = '';
    try {
      lakeTemplate({ configurationPath: dir });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^\[Configuration\.Layout\] configuration folder "/);
    expect(message).toContain(`"${path.resolve(dir)}"`);
    expect(message).toMatch(problem);
    expect(message).toMatch(EXPECTED_TREE);
  });

  test('the layout is checked even with validation off', () => {
    expect(() => Configuration.fromAsset(path.join(EXAMPLE_CONFIG, 'etl'), { validate: false })).toThrow(/^\[Configuration\.Layout\]/);
  });
});

describe('Configuration.fromAsset: the files are validated at synth', () => {
  /** The synth error of a copy of the example configuration with `change` applied. */
  function synthError(change: (dir: string) => void): string {
    const dir = exampleCopy();
    change(dir);
    try {
      lakeTemplate({ configurationPath: dir });
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  }

  test('the example configuration is valid', () => {
    expect(() => Configuration.fromAsset(EXAMPLE_CONFIG)).not.toThrow();
  });

  test('a broken spec fails synth naming the file, the JSON path and the expectation', () => {
    const message = synthError(dir => edit(dir, 'etl/transformation-spec/SyntheticGeneralData-PolicyData.json',
      t => t.replace(/("source": "CededPremiumEUR",\s*"format": )"16,2"/, '$1"16.2"')));
    expect(message).toMatch(/^\[Configuration\.Invalid\] configuration folder ".*" has 1 problem the jobs would fail on:\n/);
    expect(message).toContain('  etl/transformation-spec/SyntheticGeneralData-PolicyData.json: $.transform_spec.currency[1].format: "16.2" must match pattern ^\\s*\\d+\\s*,\\s*\\d+\\s*$\n');
    expect(message).toMatch(/insurancelake validate --config .* checks a folder\), or pass \{ validate: false \} to Configuration\.fromAsset to skip this check\.$/);
  });

  test('every problem is listed: unknown transform, wrong type, missing key, malformed JSON', () => {
    const message = synthError(dir => {
      edit(dir, 'etl/transformation-spec/SyntheticGeneralData-ClaimData.json',
        t => t.replace('"transform_spec": {', '"transform_spec": {\n        "currencyy": [{"field": "x"}],'));
      edit(dir, 'etl/transformation-spec/SyntheticLifeData-PolicyData.json', t => t.replace(/"input_spec": \{/, '"input_spec": { "allow_schema_change": 3,'));
      edit(dir, 'etl/transformation-spec/Customer-entitymatch.json', t => t.replace('"global_id_field"', '"global_id_fieldx"'));
      fs.writeFileSync(path.join(dir, 'etl/transformation-spec/Customer-A01.json'), '{\n  "input_spec": {,\n}');
    });
    expect(message).toMatch(/has 5 problems/);
    expect(message).toContain('etl/transformation-spec/SyntheticGeneralData-ClaimData.json: $.transform_spec.currencyy: unknown key "currencyy"; did you mean "currency"?');
    expect(message).toContain('etl/transformation-spec/SyntheticLifeData-PolicyData.json: $.input_spec.allow_schema_change: 3 is a number; expected string');
    expect(message).toContain('etl/transformation-spec/Customer-entitymatch.json: $: missing required key "global_id_field"');
    expect(message).toContain('etl/transformation-spec/Customer-entitymatch.json: $.global_id_fieldx: unexpected key "global_id_fieldx"; allowed keys: $schema, primary_entity_table, global_id_field, sort_field, exact_match_fields, levels');
    expect(message).toMatch(/etl\/transformation-spec\/Customer-A01\.json: line 2, column 18: malformed JSON: /);
  });

  test('a misspelt key of input_spec or of the spec itself fails synth, as the job would fail; other unknown keys pass, as the engine ignores them', () => {
    const message = synthError(dir => {
      edit(dir, 'etl/transformation-spec/SyntheticGeneralData-PolicyData.json', t => t.replace('"input_spec": {', '"input_spec": {\n    "strict_schema_maping": true,\n    "owner": "claims team",'));
      edit(dir, 'etl/transformation-spec/SyntheticLifeData-PolicyData.json', t => t.replace('"transform_spec"', '"transform_specs": {},\n  "transform_spec"'));
    });
    expect(message).toMatch(/has 2 problems/);
    expect(message).toContain('etl/transformation-spec/SyntheticGeneralData-PolicyData.json: $.input_spec.strict_schema_maping: unknown key "strict_schema_maping"; did you mean "strict_schema_mapping"?');
    expect(message).toContain('etl/transformation-spec/SyntheticLifeData-PolicyData.json: $.transform_specs: unknown key "transform_specs"; did you mean "transform_spec"?');
    expect(message).not.toContain('owner');
  });

  test('near misses are the engine\'s: difflib\'s ratio of at least 0.8', () => {
    // Ratios from Python's difflib.SequenceMatcher(None, a, b).ratio().
    expect(similarity('strict_schema_mapping', 'strict_schema_maping')).toBeCloseTo(0.975609756097561, 12);
    expect(similarity('table_description', 'description')).toBeCloseTo(0.7857142857142857, 12);
    expect(similarity('json', 'jsn')).toBeCloseTo(0.8571428571428571, 12);
    expect(similarity('fixed', 'fix')).toBeCloseTo(0.75, 12);
    expect(closeMatch('jsn', ['csv', 'json', 'xml'])).toBe('json');
    expect(closeMatch('description', ['table_description', 'encoding'])).toBeUndefined();
    expect(closeMatch('cvs', ['csv', 'tsv'])).toBeUndefined();
  });

  test('mapping rows are checked as CSV against mapping.schema.json, with line and column', () => {
    const message = synthError(dir => {
      edit(dir, 'etl/transformation-spec/SyntheticGeneralData-PolicyData.csv', t => t.replace('PolicyNumber,PolicyNumber,,', 'PolicyNumber,PolicyNumber,80,'));
      fs.writeFileSync(path.join(dir, 'etl/transformation-spec/SyntheticGeneralData-ClaimData.csv'), 'SourceName,DestName\n"a,b\n');
      fs.writeFileSync(path.join(dir, 'etl/transformation-spec/SyntheticLifeData-PolicyData.csv'), 'Source,Target\na,b\n');
    });
    expect(message).toContain('etl/transformation-spec/SyntheticGeneralData-PolicyData.csv: line 4, column 4 (Scorer): is empty; expected at least 1 character');
    expect(message).toContain('etl/transformation-spec/SyntheticGeneralData-ClaimData.csv: line 2, column 1: malformed CSV: quoted value is never closed');
    expect(message).toContain('etl/transformation-spec/SyntheticLifeData-PolicyData.csv: line 1, column 1: mapping header ["Source","Target"] has no DestName column');
  });

  test('DQ rules and dependency files are checked against their schemas', () => {
    const message = synthError(dir => {
      edit(dir, 'etl/dq-rules/dq-SyntheticLifeData-PolicyData.json', t => t.replace('"halt_rules"', '"halt_rulez"'));
      fs.writeFileSync(path.join(dir, 'etl/transformation-spec/SyntheticGeneralData-PolicyData-dependent.json'),
        JSON.stringify({ depends_on: { 'SyntheticGeneralData/ClaimData': {} }, lookback: { days: '1' } }));
    });
    expect(message).toContain('etl/dq-rules/dq-SyntheticLifeData-PolicyData.json: $.after_transform.halt_rulez: unexpected key "halt_rulez"; allowed keys: warn_rules, quarantine_rules, halt_rules');
    expect(message).toContain('etl/transformation-spec/SyntheticGeneralData-PolicyData-dependent.json: $.lookback.days: "1" is a string; expected integer');
  });

  test('files must sit in the folders and have the names the jobs read', () => {
    const message = synthError(dir => {
      fs.writeFileSync(path.join(dir, 'etl/transformation-sql/spark-Orphan.sql'), 'SELECT 1');
      fs.writeFileSync(path.join(dir, 'etl/transformation-sql/spark-Customer-Z99.sql'), '  \n');
      fs.writeFileSync(path.join(dir, 'etl/dq-rules/rules-Customer-A01.json'), '{}');
      fs.mkdirSync(path.join(dir, 'etl/specs'));
      fs.writeFileSync(path.join(dir, 'etl/specs/Customer-A01.json'), '{}');
      fs.writeFileSync(path.join(dir, 'etl/.DS_Store'), '');
    });
    expect(message).toMatch(/has 4 problems/);
    expect(message).toContain('etl/transformation-sql/spark-Orphan.sql: not a file name the jobs read in etl/transformation-sql/; expected {spark,athena,redshift}-<DB>-<TBL>.sql');
    expect(message).toContain('etl/transformation-sql/spark-Customer-Z99.sql: the SQL file is empty; the job would fail (delete it or write the query)');
    expect(message).toContain('etl/dq-rules/rules-Customer-A01.json: not a file name the jobs read in etl/dq-rules/; expected dq-<DB>-<TBL>.json');
    expect(message).toContain('etl/specs/Customer-A01.json: not read by any job; configuration files go in etl/transformation-spec/, etl/transformation-sql/, etl/dq-rules/');
  });

  test('validation can be switched off', () => {
    const dir = exampleCopy();
    edit(dir, 'etl/transformation-spec/SyntheticGeneralData-PolicyData.json', t => t.replace('"16,2"', '"16.2"'));
    expect(() => Configuration.fromAsset(dir)).toThrow(/^\[Configuration\.Invalid\]/);
    const { template } = lakeTemplate({ configuration: Configuration.fromAsset(dir, { validate: false }) });
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});

describe('Configuration.fromBucket: a bucket the user manages', () => {
  function bucketLake(encrypted: boolean) {
    const stack = testStack();
    const key = encrypted ? new kms.Key(stack, 'ConfigKey') : undefined;
    const bucket = encrypted
      ? s3.Bucket.fromBucketAttributes(stack, 'Config', { bucketName: 'team-etl-config', encryptionKey: key })
      : s3.Bucket.fromBucketName(stack, 'Config', 'team-etl-config');
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), configuration: Configuration.fromBucket(bucket) });
    return { stack, bucket, key, lake, template: Template.fromStack(stack) };
  }

  test('the jobs and the trigger read it; it is the lake\'s ETL scripts bucket; nothing is deployed', () => {
    const { template, lake, bucket } = bucketLake(false);
    expect(lake.etlScriptsBucket).toBe(bucket);
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    template.resourceCountIs('AWS::S3::Bucket', 5);
    expect(jobArgs(template, 'collect-to-cleanse-job')['--txn_bucket']).toBe('s3://team-etl-config');
    expect(jobArgs(template, 'cleanse-to-consume-job')['--txn_bucket']).toBe('s3://team-etl-config');
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'dev-insurancelake-etl-trigger',
      Environment: { Variables: Match.objectLike({ GLUE_SCRIPTS_BUCKET_NAME: 'team-etl-config' }) },
    });
  });

  test('the Glue role and the trigger may read it, and decrypt with its key', () => {
    const { template } = bucketLake(true);
    const glue = (Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Permissions of the InsuranceLake ETL Glue jobs' } }))[0] as any)
      .Properties.PolicyDocument.Statement as any[];
    const bySid = (sid: string) => glue.find(s => s.Sid === sid);
    expect(JSON.stringify(bySid('ReadSourceObjects').Resource)).toContain(':s3:::team-etl-config/*');
    expect(bySid('ConfigurationKey')).toMatchObject({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ConfigKey/), 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'KmsAccess',
          Resource: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeStorageKey'), 'Arn'] }, { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConfigKey'), 'Arn'] }],
        })]),
      },
    });
  });

  test('an ETL scripts bucket of its own besides it is rejected', () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Config', 'team-etl-config');
    expect(() => new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), configuration: Configuration.fromBucket(bucket), etlScriptsBucketName: 'other' }))
      .toThrow(/^\[Configuration\.Conflict\] Lake\/Lake: Configuration\.fromBucket\(bucket\) makes that bucket the ETL scripts bucket/);
  });
});
