import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { InsuranceLake, EnvironmentProfile, TableFormat } from '../src';
import { engineRoot, lakeTemplate, testStack } from './insurance-lake.fixtures';
import { resolveStateMachineDefinition } from '../src/orchestration/local-definition';

describe('InsuranceLake', () => {
  test('default props create the whole lake', () => {
    const { template, lake } = lakeTemplate();
    template.resourceCountIs('AWS::S3::Bucket', 6);
    template.resourceCountIs('AWS::DynamoDB::Table', 6);
    template.resourceCountIs('AWS::Glue::Job', 3);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::Athena::WorkGroup', 1);
    expect(lake.environmentName).toBe('dev');
    expect(lake.resourcePrefix).toBe('insurancelake');
    expect(lake.profile).toBe(EnvironmentProfile.DEV);
    expect(lake.tableFormat).toBe(TableFormat.ICEBERG);
    expect(lake.entityMatch).toBe(true);
    expect(lake.notificationEmails).toEqual([]);
  });

  test('exposes every resource the orchestration and users need', () => {
    const { lake } = lakeTemplate({ notificationEmails: ['ops@example.com'] });
    for (const value of [lake.encryptionKey, lake.collectBucket, lake.cleanseBucket, lake.consumeBucket,
      lake.accessLogsBucket, lake.etlScriptsBucket, lake.glueTempBucket, lake.jobAuditTable, lake.valueLookupTable,
      lake.multiLookupTable, lake.hashValuesTable, lake.dqResultsTable, lake.dataLineageTable, lake.glueRole,
      lake.collectToCleanseJob, lake.cleanseToConsumeJob, lake.consumeEntityMatchJob, lake.consumerPolicy]) {
      expect(value).toBeDefined();
    }
    expect(lake.notificationEmails).toEqual(['ops@example.com']);
    expect(lake.athenaWorkgroupName).toBe('dev-insurancelake');
  });

  test('names carry environment and prefix', () => {
    const { template } = lakeTemplate({ environmentName: 'prod', resourcePrefix: 'acme-lake' });
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'prod-acme-lake-123456789012-us-east-2-collect' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'prod-acme_lake-etl-job-audit' });
    template.hasResourceProperties('AWS::Glue::Job', { Name: 'prod-acme-lake-collect-to-cleanse-job' });
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'prod-acme_lake' });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/prod-acme-lake-kms-key' });
  });

  test('tags every resource with environment, application and the given tags', () => {
    const { template } = lakeTemplate({ tags: { 'cost-center': 'claims' } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([
        { Key: 'cost-center', Value: 'claims' },
        { Key: 'insurancelake:application', Value: 'insurancelake' },
        { Key: 'insurancelake:environment', Value: 'dev' },
      ]),
    });
  });

  test('works in an environment-agnostic stack', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Agnostic');
    new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['dev-insurancelake-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }, '-collect']] },
    });
  });

  test('the full default stack passes aws-cdk-lib\'s CloudFormation validation', () => {
    const saved = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'true';
    try {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      new InsuranceLake(testStack(app), 'Lake', { engineAssetPath: engineRoot() });
      const assembly = app.synth();
      const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
      const violations = (report.pluginReports ?? []).flatMap((r: any) => r.violations ?? []);
      expect(violations.filter((v: any) => v.severity === 'error' || v.severity === 'fatal')).toEqual([]);
    } finally {
      process.env.CDK_VALIDATION = saved;
    }
  });

  describe('validation', () => {
    test.each([
      ['Lake_1', /^\[Naming\.ResourcePrefix\] Lake\/Lake: resourcePrefix "Lake_1" may only contain lower-case letters, digits and hyphens/],
      ['-lake', /^\[Naming\.ResourcePrefix\] .*resourcePrefix "-lake" .* must start and end with a letter or digit/],
      ['lake-', /^\[Naming\.ResourcePrefix\] .*resourcePrefix "lake-"/],
    ])('rejects resourcePrefix %s', (prefix, message) => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: prefix, engineAssetPath: engineRoot() })).toThrow(message);
    });

    test('accepts a one-character prefix and hyphens inside', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: 'a', engineAssetPath: engineRoot() })).not.toThrow();
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: 'a-lake', engineAssetPath: engineRoot() })).not.toThrow();
    });

    test('rejects an upper-case environment name', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { environmentName: 'Dev', engineAssetPath: engineRoot() }))
        .toThrow(/^\[Naming\.EnvironmentName\] Lake\/Lake: environmentName "Dev" may only contain lower-case letters/);
    });

    test('rejects names that make bucket names longer than 63 characters, saying by how much', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: 'a-very-long-insurance-lake-prefix', engineAssetPath: engineRoot() }))
        .toThrow(/^\[Naming\.TooLong\] .*bucket name "dev-a-very-long-insurance-lake-prefix-<account>-<region>-access-logs" would have 72 characters, S3 allows 63. Shorten them by 9 characters/);
    });

    test('rejects entity-match job settings when entity match is off', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { entityMatch: false, consumeEntityMatchJob: { numberOfWorkers: 2 }, engineAssetPath: engineRoot() }))
        .toThrow(/^\[Jobs\.EntityMatchOff\] Lake\/Lake\/Etl: consumeEntityMatchJob configures a job that entityMatch: false switches off/);
    });

    test('rejects a malformed notification e-mail', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { notificationEmails: ['ops.example.com'], engineAssetPath: engineRoot() }))
        .toThrow(/^\[Orchestration\.Email\] Lake\/Lake\/Orchestration: notificationEmails entry "ops.example.com" is not an e-mail address/);
    });

    test('rejects an engine folder without the entry scripts', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { engineAssetPath: __dirname }))
        .toThrow(/^\[Jobs\.EngineScript\] Lake\/Lake\/Etl: Glue entry script .*etl_collect_to_cleanse.py not found; engineAssetPath must contain etl_collect_to_cleanse\.py, etl_cleanse_to_consume\.py, etl_consume_entity_match\.py and insurancelake_etl\//);
    });
  });
});

describe('InsuranceLake: the sub-constructs\' options are the lake\'s props', () => {
  test('orchestration: Lambda memory, timeout and concurrency, log retention, state names, Redshift task arguments', () => {
    const { template } = lakeTemplate({
      lambdaMemorySize: 256,
      lambdaTimeout: Duration.seconds(30),
      lambdaReservedConcurrency: 5,
      logRetention: logs.RetentionDays.ONE_WEEK,
      logicalIdPrefix: 'Acme',
      cleanseTaskExtraArguments: { '--redshift_database': 'dev', '--redshift_workgroup_name': 'lake' },
      dependencyHandling: false,
    });
    const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: Match.stringLikeRegexp('^dev-insurancelake-etl-') } })) as any[];
    expect(functions.map(f => f.Properties.FunctionName).sort()).toEqual(['dev-insurancelake-etl-status-update', 'dev-insurancelake-etl-trigger']);
    for (const f of functions) expect(f.Properties).toMatchObject({ MemorySize: 256, Timeout: 30, ReservedConcurrentExecutions: 5 });
    const retention = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g: any) => g.Properties.RetentionInDays);
    expect(retention.length).toBeGreaterThanOrEqual(3);
    expect(new Set(retention)).toEqual(new Set([7]));
    const asl = resolveStateMachineDefinition(template.toJSON());
    expect((asl.States.DevAcmeCleanseGlueJobTask as any).Parameters.Arguments).toMatchObject({ '--redshift_database': 'dev', '--redshift_workgroup_name': 'lake' });
    expect((asl.States.DevAcmeCollectGlueJobTask as any).Parameters.Arguments['--redshift_database']).toBeUndefined();
  });

  test('tables, jobs and consumer access options reach their constructs', () => {
    const { template, lake } = lakeTemplate({ encryptAllTables: true, lineage: false, consumerPolicy: false, entityMatch: false });
    expect(lake.dataLineageTable).toBeUndefined();
    expect(lake.consumerPolicy).toBeUndefined();
    template.resourceCountIs('AWS::Glue::Job', 2);
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table')) as any[]) {
      expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    }
  });
});

describe('InsuranceLake: a notification topic of the user\'s', () => {
  function withTopic() {
    const stack = testStack();
    const topicKey = new kms.Key(stack, 'TopicKey');
    const topic = new sns.Topic(stack, 'TeamTopic', { masterKey: topicKey });
    const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), notificationTopic: topic, notificationEmails: ['ops@example.com'] });
    return { stack, topic, lake, template: Template.fromStack(stack) };
  }

  test('the lake creates no topic and publishes success and failure to the given one', () => {
    const { template, lake, topic } = withTopic();
    expect(lake.notificationTopic).toBe(topic);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const asl = resolveStateMachineDefinition(template.toJSON());
    const publishes = Object.values(asl.States).filter((st: any) => st.Resource === 'arn:aws:states:::sns:publish') as any[];
    expect(publishes).toHaveLength(2);
    // The local resolution turns the topic's Ref into an ARN ending in its logical id (it has no name).
    for (const st of publishes) expect(st.Parameters.TopicArn).toMatch(/^arn:aws:sns:[a-z0-9-]+:\d+:TeamTopic[0-9A-F]{8}$/);
  });

  test('the dependency trigger and the e-mails subscribe to it; the state machine may use its key, not the lake key\'s SNS grant', () => {
    const { template } = withTopic();
    const topicRef = { Ref: Match.stringLikeRegexp('^TeamTopic') };
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: topicRef, FilterPolicy: { status: ['SUCCEEDED'] } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: topicRef, Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicKey'), 'Arn'] },
        })]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^LakeOrchestrationStateMachineRole') }],
    });
    const lakeKey = Object.values(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('InsuranceLake') } }))[0] as any;
    expect(JSON.stringify(lakeKey.Properties.KeyPolicy)).not.toContain('SnsEncryptedTopicsKeyAccess');
  });

  test('a topic without a key the construct can see gets no KMS statement', () => {
    const stack = testStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:us-east-2:123456789012:team-topic');
    new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), notificationTopic: topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    const machinePolicy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^LakeOrchestrationStateMachineRole') }] } }))[0] as any;
    expect(JSON.stringify(machinePolicy.Properties.PolicyDocument)).not.toContain('kms:');
    expect(JSON.stringify(machinePolicy.Properties.PolicyDocument)).toContain('arn:aws:sns:us-east-2:123456789012:team-topic');
  });
});
