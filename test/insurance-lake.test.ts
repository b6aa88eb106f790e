import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { InsuranceLake, EnvironmentProfile, TableFormat } from '../src';
import { engineRoot, lakeTemplate, testStack } from './insurance-lake.fixtures';

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
      ['Lake_1', /resourcePrefix "Lake_1" may only contain lower-case letters, digits and hyphens/],
      ['-lake', /resourcePrefix "-lake" .* must start and end with a letter or digit/],
      ['lake-', /resourcePrefix "lake-"/],
    ])('rejects resourcePrefix %s', (prefix, message) => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: prefix, engineAssetPath: engineRoot() })).toThrow(message);
    });

    test('accepts a one-character prefix and hyphens inside', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: 'a', engineAssetPath: engineRoot() })).not.toThrow();
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: 'a-lake', engineAssetPath: engineRoot() })).not.toThrow();
    });

    test('rejects an upper-case environment name', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { environmentName: 'Dev', engineAssetPath: engineRoot() }))
        .toThrow(/environmentName "Dev" may only contain lower-case letters/);
    });

    test('rejects names that make bucket names longer than 63 characters, saying by how much', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { resourcePrefix: 'a-very-long-insurance-lake-prefix', engineAssetPath: engineRoot() }))
        .toThrow(/bucket name "dev-a-very-long-insurance-lake-prefix-<account>-<region>-access-logs" would have 72 characters, S3 allows 63. Shorten them by 9 characters/);
    });

    test('rejects entity-match job settings when entity match is off', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { entityMatch: false, consumeEntityMatchJob: { numberOfWorkers: 2 }, engineAssetPath: engineRoot() }))
        .toThrow(/consumeEntityMatchJob configures a job that entityMatch: false switches off/);
    });

    test('rejects a malformed notification e-mail', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { notificationEmails: ['ops.example.com'], engineAssetPath: engineRoot() }))
        .toThrow(/notificationEmails entry "ops.example.com" is not an e-mail address/);
    });

    test('rejects an engine folder without the entry scripts', () => {
      expect(() => new InsuranceLake(testStack(), 'Lake', { engineAssetPath: __dirname }))
        .toThrow(/Glue entry script .*etl_collect_to_cleanse.py not found/);
    });
  });
});
