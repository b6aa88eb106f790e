import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InsuranceLake, TableFormat, TransformModules } from '../../src';
import * as contract from '../../src/contract';
import { GlueArg, JOB_KEYS, contractArgument, contractJob } from '../../src/contract';
import { engineRoot, lakeTemplate, testApp, testStack } from '../insurance-lake.fixtures';

const JOBS = {
  collect: 'dev-insurancelake-collect-to-cleanse-job',
  cleanse: 'dev-insurancelake-cleanse-to-consume-job',
  match: 'dev-insurancelake-consume-entity-match-job',
};

function job(template: Template, name: string): Record<string, any> {
  const found = Object.values(template.findResources('AWS::Glue::Job', { Properties: { Name: name } }));
  expect(found).toHaveLength(1);
  return (found[0] as any).Properties;
}

function bucketRef(prefix: string) {
  return { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(new RegExp(`^LakeStorage${prefix}`)) }]] };
}

describe('EtlJobs: the three Glue jobs', () => {
  const { template } = lakeTemplate();

  test.each(Object.values(JOBS))('%s runs PySpark on Glue 5.1 with the reference capacity and the security configuration', (name) => {
    const p = job(template, name);
    expect(p).toMatchObject({
      Command: { Name: 'glueetl', PythonVersion: '3' },
      GlueVersion: '5.1',
      WorkerType: 'G.1X',
      NumberOfWorkers: 25,
      MaxRetries: 0,
      ExecutionProperty: { MaxConcurrentRuns: 10 },
      SecurityConfiguration: { Ref: expect.stringMatching(/^LakeEtlSecurityConfiguration/) },
    });
    expect(p.Timeout).toBeUndefined();
    expect(p.ExecutionClass).toBeUndefined();
  });

  test.each(Object.values(JOBS))('%s has the reference Glue flags, Iceberg settings and the engine zip', (name) => {
    const args = job(template, name).DefaultArguments;
    expect(args).toMatchObject({
      '--enable-auto-scaling': 'true',
      '--enable-continuous-cloudwatch-log': 'true',
      '--enable-continuous-log-filter': 'true',
      '--enable-metrics': '',
      '--enable-observability-metrics': 'true',
      '--enable-spark-ui': 'true',
      '--enable-glue-datacatalog': 'true',
      '--user-jars-first': 'true',
      '--job-language': 'python',
      '--datalake-formats': 'iceberg',
      '--iceberg_catalog': 'glue_catalog',
      '--table_format': 'ICEBERG',
      '--environment': 'Dev',
      '--txn_bucket': bucketRef('EtlScriptsBucket'),
      '--data_lineage_table': { Ref: expect.stringMatching(/^LakeTablesDataLineageTable/) },
    });
    expect(args['--extra-py-files']).toMatch(/^s3:\/\/cdk-[a-z0-9]+-assets-123456789012-us-east-2\/[0-9a-f]{64}\.zip$/);
    const conf = JSON.stringify(args['--conf']);
    expect(conf).toContain('spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions');
    expect(conf).toContain('spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog');
  });

  test('--additional-python-modules lists the pinned engine requirements the Glue image lacks', () => {
    const modules: string = job(template, JOBS.collect).DefaultArguments['--additional-python-modules'];
    const names = modules.split(',').map(m => m.split('==')[0]);
    expect(names).toEqual(expect.arrayContaining(['rapidfuzz', 'recordlinkage', 'jsonschema', 'openpyxl']));
    expect(names).not.toEqual(expect.arrayContaining(['boto3']));
    expect(names).not.toContain('pandas');
    for (const m of modules.split(',')) expect(m).toMatch(/^[A-Za-z0-9_.-]+==[0-9][^,]*$/);
  });

  test('collect-to-cleanse reads Collect, writes Cleanse and gets the table names', () => {
    const args = job(template, JOBS.collect).DefaultArguments;
    expect(args).toMatchObject({
      '--source_bucket': bucketRef('CollectBucket'),
      '--target_bucket': bucketRef('CleanseBucket'),
      '--txn_spec_prefix_path': '/etl/transformation-spec/',
      '--hash_value_table': { Ref: expect.stringMatching(/^LakeTablesHashValuesTable/) },
      '--value_lookup_table': { Ref: expect.stringMatching(/^LakeTablesValueLookupTable/) },
      '--multi_lookup_table': { Ref: expect.stringMatching(/^LakeTablesMultiLookupTable/) },
      '--dq_results_table': { Ref: expect.stringMatching(/^LakeTablesDqResultsTable/) },
    });
    expect(JSON.stringify(args['--TempDir'])).toContain('/etl/collect_to_cleanse/');
    expect(JSON.stringify(args['--spark-event-logs-path'])).toContain('/spark-ui/collect_to_cleanse/');
    expect(args['--athena_workgroup']).toBeUndefined();
  });

  test('cleanse-to-consume reads Cleanse, writes Consume, gets SQL prefix and the Athena workgroup', () => {
    const args = job(template, JOBS.cleanse).DefaultArguments;
    expect(args).toMatchObject({
      '--source_bucket': bucketRef('CleanseBucket'),
      '--target_bucket': bucketRef('ConsumeBucket'),
      '--txn_sql_prefix_path': '/etl/transformation-sql/',
      '--athena_workgroup': 'dev-insurancelake',
      '--dq_results_table': { Ref: expect.stringMatching(/^LakeTablesDqResultsTable/) },
    });
    expect(args['--hash_value_table']).toBeUndefined();
  });

  test('consume-entity-match works on Consume with the spec prefix', () => {
    const args = job(template, JOBS.match).DefaultArguments;
    expect(args).toMatchObject({
      '--target_bucket': bucketRef('ConsumeBucket'),
      '--txn_spec_prefix_path': '/etl/transformation-spec/',
    });
    expect(JSON.stringify(args['--TempDir'])).toContain('/etl/consume_entity_match/');
  });

  test('the security configuration encrypts S3, CloudWatch Logs and bookmarks with the lake key', () => {
    const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeStorageKey'), 'Arn'] };
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      Name: 'dev-insurancelake-glue-security-configuration',
      EncryptionConfiguration: {
        S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: key }],
        CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: key },
        JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: key },
      },
    });
  });
});

describe('EtlJobs: the job arguments come from contract.json', () => {
  // With transform modules, so that the optional construct arguments all have a value.
  const { template } = lakeTemplate({ transformModules: TransformModules.fromAsset(path.join(__dirname, '..', '..', 'examples', 'transforms')) });
  const glueService = new Set<string>(Object.values(GlueArg));
  const ours = (args: Record<string, unknown>) => Object.keys(args)
    .filter(name => !glueService.has(name) && !name.slice(2).includes('-'))
    .map(name => name.slice(2))
    .sort();

  test.each(JOB_KEYS)('%s: the job gets every argument the contract says the construct sets for it, and no other', (key) => {
    const spec = contractJob(key);
    const args = job(template, `dev-insurancelake-${spec.name_suffix}`).DefaultArguments;
    const expected = [...spec.required, ...spec.optional].filter(name => contractArgument(name).set_by === 'construct').sort();
    expect(ours(args)).toEqual(expected);
    for (const name of expected) {
      const value = contractArgument(name).value;
      if (value !== undefined) expect(args[`--${name}`]).toBe(value);
    }
  });

  test('a required argument the construct has no value for fails the synthesis as an internal error', () => {
    const real = contract.contractJob;
    // As if the contract made lineage mandatory for collect-to-cleanse: with lineage off there is no table to pass.
    const spy = jest.spyOn(contract, 'contractJob').mockImplementation(key =>
      key === 'collect_to_cleanse' ? { ...real(key), required: [...real(key).required, 'data_lineage_table'] } : real(key));
    try {
      expect(() => lakeTemplate({ lineage: false }))
        .toThrow(/^\[Contract\.Argument\] Lake\/Lake\/Etl: internal error: etl_collect_to_cleanse\.py requires --data_lineage_table, which contract\.json says the construct sets, but the construct has no value for it/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('EtlJobs: the Glue role is least privilege', () => {
  const { template } = lakeTemplate();
  const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Permissions of the InsuranceLake ETL Glue jobs' } });
  const statements: any[] = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
  const bySid = (sid: string) => statements.find(s => s.Sid === sid);

  test('the role is named per the reference, trusts Glue and has no inline policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'dev-insurancelake-us-east-2-glue-role',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'glue.amazonaws.com' } })] },
    });
    const inline = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((pol: any) => JSON.stringify(pol.Properties.Roles ?? []).includes('LakeEtlGlueRole'));
    expect(inline).toEqual([]);
    expect(Object.keys(policies)).toHaveLength(1);
  });

  test('DynamoDB access covers the four Glue tables and lineage, grants BatchGetItem and never the bogus BatchReadItem', () => {
    const st = bySid('DynamoDBAccess');
    expect(st.Action).toContain('dynamodb:BatchGetItem');
    expect(st.Action).not.toContain('dynamodb:BatchReadItem');
    expect(st.Resource.map((r: any) => r['Fn::GetAtt'][0])).toEqual([
      expect.stringMatching(/^LakeTablesHashValuesTable/), expect.stringMatching(/^LakeTablesValueLookupTable/),
      expect.stringMatching(/^LakeTablesMultiLookupTable/), expect.stringMatching(/^LakeTablesDqResultsTable/),
      expect.stringMatching(/^LakeTablesDataLineageTable/),
    ]);
  });

  test('Collect and ETL scripts are read-only; only Cleanse, Consume and Glue temp are writable', () => {
    const read = JSON.stringify(bySid('ReadSourceObjects'));
    expect(bySid('ReadSourceObjects').Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(read).toMatch(/LakeStorageCollectBucket/);
    expect(read).toMatch(/LakeStorageEtlScriptsBucket/);
    const write = JSON.stringify(bySid('ReadWriteTargetObjects'));
    expect(write).not.toMatch(/CollectBucket|EtlScriptsBucket|AccessLogsBucket/);
    expect(write).toMatch(/CleanseBucket/);
    expect(write).toMatch(/ConsumeBucket/);
    expect(write).toMatch(/GlueTempBucket/);
  });

  test('KMS access is on the lake key only', () => {
    expect(bySid('LakeKey').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^LakeStorageKey/), 'Arn'] });
    expect(bySid('ConfigurationKey')).toBeUndefined();
  });

  test('ARNs are partition-aware and scoped to the account and region', () => {
    for (const sid of ['GlueCatalog', 'GlueLogs', 'AthenaAccess', 'DataZoneLineage']) {
      const text = JSON.stringify(bySid(sid).Resource);
      expect(text).not.toContain('arn:aws:');
      expect(text).toContain('{"Ref":"AWS::Partition"}');
      expect(text).toContain('us-east-2:123456789012');
    }
    expect(JSON.stringify(bySid('AthenaAccess').Resource)).toContain(':workgroup/dev-insurancelake');
  });

  test('the only Resource "*" is PutMetricData, limited to the Glue namespace and the jobs\' own', () => {
    const star = statements.filter(s => s.Resource === '*');
    expect(star).toEqual([expect.objectContaining({ Sid: 'GlueMetrics', Condition: { StringEquals: { 'cloudwatch:namespace': ['Glue', 'InsuranceLake'] } } })]);
  });
});

describe('EtlJobs: options', () => {
  test('lineage off removes --data_lineage_table entirely', () => {
    const { template } = lakeTemplate({ lineage: false });
    for (const name of Object.values(JOBS)) {
      expect(job(template, name).DefaultArguments).not.toHaveProperty('--data_lineage_table');
    }
  });

  test('PARQUET format and entity match off', () => {
    const { template, lake } = lakeTemplate({ tableFormat: TableFormat.PARQUET, entityMatch: false });
    template.resourceCountIs('AWS::Glue::Job', 2);
    expect(lake.consumeEntityMatchJob).toBeUndefined();
    expect(job(template, JOBS.collect).DefaultArguments['--table_format']).toBe('PARQUET');
  });

  test('per-job overrides: Flex, workers, timeout, retries, concurrency, Glue version, extra arguments', () => {
    const { template } = lakeTemplate({
      glueVersion: glue.GlueVersion.V5_0,
      collectToCleanseJob: {
        flex: true,
        workerType: glue.WorkerType.G_2X,
        numberOfWorkers: 4,
        timeout: Duration.hours(2),
        maxRetries: 1,
        maxConcurrentRuns: 3,
        glueVersion: glue.GlueVersion.V5_1,
      },
      cleanseToConsumeJob: { extraArguments: { '--redshift_database': 'dev' }, additionalPythonModules: [] },
    });
    expect(job(template, JOBS.collect)).toMatchObject({
      ExecutionClass: 'FLEX',
      WorkerType: 'G.2X',
      NumberOfWorkers: 4,
      Timeout: 120,
      MaxRetries: 1,
      ExecutionProperty: { MaxConcurrentRuns: 3 },
      GlueVersion: '5.1',
    });
    const cleanse = job(template, JOBS.cleanse);
    expect(cleanse.GlueVersion).toBe('5.0');
    expect(cleanse.DefaultArguments['--redshift_database']).toBe('dev');
    expect(cleanse.DefaultArguments).not.toHaveProperty('--additional-python-modules');
  });

  test('extra arguments cannot replace construct-managed ones', () => {
    expect(() => lakeTemplate({ cleanseToConsumeJob: { extraArguments: { '--source_bucket': 's3://elsewhere' } } }))
      .toThrow(/^\[Jobs\.ExtraArguments\] Lake\/Lake\/Etl: extraArguments of cleanse-to-consume-job may not replace --source_bucket/);
  });

  test('settings of the entity-match job are rejected when entity match is off', () => {
    expect(() => lakeTemplate({ entityMatch: false, consumeEntityMatchJob: { numberOfWorkers: 2 } }))
      .toThrow(/^\[Jobs\.EntityMatchOff\] Lake\/Lake\/Etl: consumeEntityMatchJob configures a job that entityMatch: false switches off/);
  });

  test('extra jars go to --extra-jars', () => {
    const stack = testStack();
    const jar = glue.Code.fromBucket(new s3.Bucket(stack, 'Jars'), 'lib/x.jar');
    new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), extraJars: [jar] });
    expect(JSON.stringify(job(Template.fromStack(stack), JOBS.collect).DefaultArguments['--extra-jars'])).toContain('/lib/x.jar');
  });

  test('Data Catalog encryption is opt-in', () => {
    lakeTemplate().template.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
    lakeTemplate({ encryptDataCatalog: true }).template.hasResourceProperties('AWS::Glue::DataCatalogEncryptionSettings', {
      DataCatalogEncryptionSettings: {
        EncryptionAtRest: { CatalogEncryptionMode: 'SSE-KMS' },
        ConnectionPasswordEncryption: { ReturnConnectionPasswordEncrypted: true },
      },
    });
  });
});

describe('EtlJobs: engine asset', () => {
  test('the engine ships as one zip: insurancelake_etl/ and the helper modules beside the entry scripts, no entry scripts, no caches', () => {
    const app = testApp();
    const stack = testStack(app);
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });
    const assembly = app.synth();
    const staged = path.join(assembly.directory, lake.etl.engineAsset.assetPath);
    const root = engineRoot();
    const helpers = fs.readdirSync(root).filter(f => f.endsWith('.py') && !f.startsWith('etl_'));
    expect(fs.readdirSync(staged).sort()).toEqual([...helpers, 'insurancelake_etl'].sort());
    expect(fs.existsSync(path.join(staged, 'insurancelake_etl', '__init__.py'))).toBe(true);
    const all: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach(e => {
      const f = path.join(d, e.name); all.push(f); if (e.isDirectory()) walk(f);
    });
    walk(staged);
    expect(all.filter(f => f.includes('__pycache__') || f.endsWith('.pyc'))).toEqual([]);
  });
});
