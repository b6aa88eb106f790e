import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLakeStorage, EnvironmentProfile } from '../../src';
import { destroyAllowedApp, testStack } from '../insurance-lake.fixtures';

function storage(props: ConstructorParameters<typeof DataLakeStorage>[2] = {}, app?: App) {
  const stack = testStack(app);
  const construct = new DataLakeStorage(stack, 'Storage', props);
  return { stack, construct, template: Template.fromStack(stack) };
}

function bucketByName(template: Template, suffix: string): Record<string, any> {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { BucketName: `dev-insurancelake-123456789012-us-east-2-${suffix}` },
  });
  const values = Object.values(buckets);
  expect(values).toHaveLength(1);
  return values[0] as Record<string, any>;
}

describe('DataLakeStorage', () => {
  test('creates a rotating customer-managed key with the environment alias', () => {
    const { template } = storage();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 30 });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/dev-insurancelake-kms-key' });
  });

  test('the created key lets CloudWatch Logs of this account and region use it, and the given accounts', () => {
    const { template } = storage({ keyUserAccounts: ['111111111111'] });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'LogsEncryptedLogsKeyAccess',
            Principal: { Service: { 'Fn::Join': ['', ['logs.us-east-2.', { Ref: 'AWS::URLSuffix' }]] } },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
          Match.objectLike({
            Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']),
            Principal: { AWS: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::111111111111:root'])] }) },
          }),
        ]),
      },
    });
  });

  test.each(['collect', 'cleanse', 'consume', 'etl-scripts', 'glue-temp'])('%s bucket is SSE-KMS with bucket key, versioned, private and logged', (suffix) => {
    const { template } = storage();
    const bucket = bucketByName(template, suffix);
    const p = bucket.Properties;
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^StorageKey/), 'Arn'] } },
    });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(p.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(p.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^StorageAccessLogsBucket/) },
      LogFilePrefix: `dev-insurancelake-123456789012-us-east-2-${suffix}-`,
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  test('access-logs bucket is SSE-S3 (S3 cannot deliver logs to SSE-KMS) and accepts log delivery by policy', () => {
    const { template } = storage();
    const p = bucketByName(template, 'access-logs').Properties;
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect(p.LoggingConfiguration).toBeUndefined();
    expect(p.AccessControl).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^StorageAccessLogsBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject',
        })]),
      },
    });
  });

  test('every bucket policy denies non-TLS and TLS below 1.2; data buckets also deny object access without TLS', () => {
    const { template } = storage();
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(6);
    for (const policy of Object.values(policies)) {
      const statements = (policy as any).Properties.PolicyDocument.Statement;
      expect(statements).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]));
    }
    template.resourcePropertiesCountIs('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'OnlyAllowSecureTransport', Effect: 'Deny', Action: ['s3:GetObject', 's3:PutObject'] })]) },
    }, 5);
  });

  test.each([
    [EnvironmentProfile.DEV, 60, 30, undefined],
    [EnvironmentProfile.TEST, 365, 90, undefined],
    [EnvironmentProfile.PROD, 3650, 180, 365],
  ])('data bucket lifecycle follows the %s profile', (profile, expiration, noncurrent, glacier) => {
    const { template } = storage({ profile });
    const rule = bucketByName(template, 'collect').Properties.LifecycleConfiguration.Rules[0];
    expect(rule.ExpirationInDays).toBe(expiration);
    expect(rule.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: noncurrent });
    expect(rule.Transitions).toEqual(glacier ? [{ StorageClass: 'GLACIER', TransitionInDays: glacier }] : undefined);
  });

  test('profile defaults from the environment name; unknown names get PROD', () => {
    const stack = testStack();
    new DataLakeStorage(stack, 'Storage', { environmentName: 'staging' });
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket', {
      Properties: { BucketName: 'staging-insurancelake-123456789012-us-east-2-collect' },
    }))[0] as any;
    expect(rule.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(3650);
  });

  test('DESTROY is opt-in (context flag) and then empties the buckets', () => {
    const { template } = storage({ removalPolicy: RemovalPolicy.DESTROY }, destroyAllowedApp());
    expect(bucketByName(template, 'collect').DeletionPolicy).toBe('Delete');
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 6);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('uses a given key and bring-your-own buckets', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'MyKey');
    const collect = s3.Bucket.fromBucketName(stack, 'Existing', 'my-raw-bucket');
    const construct = new DataLakeStorage(stack, 'Storage', { encryptionKey: key, existingCollectBucket: collect });
    const template = Template.fromStack(stack);
    expect(construct.encryptionKey).toBe(key);
    expect(construct.collectBucket).toBe(collect);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::S3::Bucket', 5);
  });

  test('rejects an existing bucket together with a name for a created one', () => {
    const stack = testStack();
    const collect = s3.Bucket.fromBucketName(stack, 'Existing', 'my-raw-bucket');
    expect(() => new DataLakeStorage(stack, 'Storage', { existingCollectBucket: collect, collectBucketName: 'x-collect' }))
      .toThrow(/give either existingCollectBucket .* or collectBucketName .*, not both/);
  });

  test('rejects keyUserAccounts with a given key', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'MyKey');
    expect(() => new DataLakeStorage(stack, 'Storage', { encryptionKey: key, keyUserAccounts: ['111111111111'] }))
      .toThrow(/keyUserAccounts applies only to the key the construct creates/);
  });

  test('log delivery uses a bucket policy whatever the app feature flag says', () => {
    const app = new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': false } });
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-2' } });
    new DataLakeStorage(stack, 'Storage');
    const logs = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket', {
      Properties: { BucketName: 'dev-insurancelake-123456789012-us-east-2-access-logs' },
    }))[0] as any;
    expect(logs.Properties.AccessControl).toBeUndefined();
    expect(logs.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });
});
