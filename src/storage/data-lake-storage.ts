import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataLakeStorageProps } from './data-lake-storage-props';
import { BucketSuffix, PhysicalName } from '../contract';
import { InsuranceLakeError } from '../errors';
import { EnvironmentProfile } from '../lake-common-props';
import { LakeSettings, pinFeatureFlags, resolveLakeSettings } from '../lake-settings';

/**
 * The storage of the lake: one KMS key, the Collect, Cleanse and Consume buckets, the ETL-scripts
 * and Glue-temp buckets, and an access-logs bucket that receives the server access logs of all of them.
 *
 * Every created data bucket is SSE-KMS with a bucket key, versioned, private (block public access,
 * ACLs disabled), TLS-only (TLS 1.2 or newer) and has a lifecycle from the environment profile.
 * The access-logs bucket is SSE-S3, because S3 cannot deliver server access logs to an SSE-KMS bucket.
 *
 * @example
 * const storage = new DataLakeStorage(this, 'Storage', { environmentName: 'dev' });
 */
export class DataLakeStorage extends Construct {
  /** The key that encrypts the lake's buckets, tables, topics and logs. */
  public readonly encryptionKey: kms.IKey;
  /** The created key, when no `encryptionKey` was given. */
  public readonly key?: kms.Key;
  /** Raw landing zone; new objects start the pipeline. */
  public readonly collectBucket: s3.IBucket;
  /** Cleansed, schema-mapped data (`<db>/<table>/year=…/month=…/day=…/`). */
  public readonly cleanseBucket: s3.IBucket;
  /** Consumption-ready data (`<db>_consume` tables). */
  public readonly consumeBucket: s3.IBucket;
  /** Destination of the server access logs of every bucket the construct creates. */
  public readonly accessLogsBucket: s3.IBucket;
  /** ETL configuration (`etl/transformation-spec/`, `etl/transformation-sql/`, `etl/dq-rules/`). */
  public readonly etlScriptsBucket: s3.IBucket;
  /** Glue `--TempDir`, Spark UI event logs and Athena query results. */
  public readonly glueTempBucket: s3.IBucket;

  private readonly settings: LakeSettings;

  constructor(scope: Construct, id: string, props: DataLakeStorageProps = {}) {
    super(scope, id);
    pinFeatureFlags(this);
    this.settings = resolveLakeSettings(this, props);
    const s = this.settings;

    checkNotBoth(this, 'existingCollectBucket', props.existingCollectBucket, 'collectBucketName', props.collectBucketName);
    checkNotBoth(this, 'existingCleanseBucket', props.existingCleanseBucket, 'cleanseBucketName', props.cleanseBucketName);
    checkNotBoth(this, 'existingConsumeBucket', props.existingConsumeBucket, 'consumeBucketName', props.consumeBucketName);
    checkNotBoth(this, 'existingAccessLogsBucket', props.existingAccessLogsBucket, 'accessLogsBucketName', props.accessLogsBucketName);
    checkNotBoth(this, 'existingEtlScriptsBucket', props.existingEtlScriptsBucket, 'etlScriptsBucketName', props.etlScriptsBucketName);
    checkNotBoth(this, 'existingGlueTempBucket', props.existingGlueTempBucket, 'glueTempBucketName', props.glueTempBucketName);
    if (props.encryptionKey && props.keyUserAccounts?.length) {
      throw new InsuranceLakeError('Storage.KeyUserAccounts', this, 'keyUserAccounts applies only to the key the construct creates; with encryptionKey, grant those accounts in your key\'s policy and remove keyUserAccounts');
    }

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const stack = Stack.of(this);
      this.key = new kms.Key(this, 'Key', {
        description: 'Key used for encrypting InsuranceLake S3 Buckets, DynamoDB Tables, SNS Topics, Glue Job resources',
        alias: PhysicalName.keyAlias(s.env, s.prefix),
        enableKeyRotation: true,
        pendingWindow: Duration.days(30),
        removalPolicy: s.removalPolicy,
        // Statements stay as written, whatever the app's minimizePolicies flag says.
        policy: new iam.PolicyDocument({ minimize: false }),
      });
      // CloudWatch Logs may use the key for the lake's log groups (Glue security configuration,
      // state machine, Lambdas), and only for log groups of this account and region.
      this.key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'LogsEncryptedLogsKeyAccess',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ partition: Aws.PARTITION, service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }));
      for (const account of props.keyUserAccounts ?? []) {
        this.key.grantEncryptDecrypt(new iam.AccountPrincipal(account));
      }
      this.encryptionKey = this.key;
    }

    this.accessLogsBucket = props.existingAccessLogsBucket ?? this.createAccessLogsBucket(props.accessLogsBucketName);

    const data = dataLifecycle(s.profile);
    const dataRules: s3.LifecycleRule[] = [{
      id: 'DataLifecycle',
      enabled: true,
      expiration: props.dataLifecycle?.expiration ?? data.expiration,
      noncurrentVersionExpiration: props.dataLifecycle?.noncurrentVersionExpiration ?? data.noncurrent,
      transitions: (props.dataLifecycle?.glacierTransition ?? data.glacier)
        ? [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: (props.dataLifecycle?.glacierTransition ?? data.glacier)! }]
        : undefined,
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }];
    this.collectBucket = props.existingCollectBucket
      ?? this.createBucket('CollectBucket', BucketSuffix.COLLECT, props.collectBucketName, dataRules);
    this.cleanseBucket = props.existingCleanseBucket
      ?? this.createBucket('CleanseBucket', BucketSuffix.CLEANSE, props.cleanseBucketName, dataRules);
    this.consumeBucket = props.existingConsumeBucket
      ?? this.createBucket('ConsumeBucket', BucketSuffix.CONSUME, props.consumeBucketName, dataRules);

    const dev = s.profile === EnvironmentProfile.DEV;
    this.etlScriptsBucket = props.existingEtlScriptsBucket
      ?? this.createBucket('EtlScriptsBucket', BucketSuffix.ETL_SCRIPTS, props.etlScriptsBucketName, [{
        id: 'NoncurrentVersions',
        enabled: true,
        noncurrentVersionExpiration: Duration.days(dev ? 30 : 365),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }]);
    this.glueTempBucket = props.existingGlueTempBucket
      ?? this.createBucket('GlueTempBucket', BucketSuffix.GLUE_TEMP, props.glueTempBucketName, [{
        id: 'TemporaryFiles',
        enabled: true,
        expiration: Duration.days(dev ? 30 : 365),
        noncurrentVersionExpiration: Duration.days(dev ? 30 : 365),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }]);
  }

  /** The name a created bucket gets: `{env}-{prefix}-{account}-{region}-<suffix>`. */
  private bucketName(suffix: string): string {
    const stack = Stack.of(this);
    return PhysicalName.bucket(this.settings.env, this.settings.prefix, stack.account, stack.region, suffix);
  }

  private createAccessLogsBucket(name?: string): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogsBucket', {
      bucketName: name ?? this.bucketName(BucketSuffix.ACCESS_LOGS),
      // S3 server access logs cannot be delivered to an SSE-KMS bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy: this.settings.removalPolicy,
      autoDeleteObjects: this.settings.destroy,
    });
    Validations.of(bucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: 'This is the server-access-log destination of the lake; logging it into itself would create a log loop.' },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: 'This is the server-access-log destination of the lake; logging it into itself would create a log loop.' },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: 'This is the server-access-log destination of the lake; logging it into itself would create a log loop.' },
      { id: 'HIPAA.Security-S3DefaultEncryptionKMS', reason: 'S3 server access logs can only be delivered to buckets encrypted with SSE-S3, not SSE-KMS.' },
      { id: 'NIST.800.53.R5-S3DefaultEncryptionKMS', reason: 'S3 server access logs can only be delivered to buckets encrypted with SSE-S3, not SSE-KMS.' },
      ...REPLICATION_ACKS,
    );
    return bucket;
  }

  private createBucket(id: string, suffix: string, name: string | undefined, lifecycleRules: s3.LifecycleRule[]): s3.Bucket {
    const bucketName = name ?? this.bucketName(suffix);
    const bucket = new s3.Bucket(this, id, {
      bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${bucketName}-`,
      lifecycleRules,
      removalPolicy: this.settings.removalPolicy,
      autoDeleteObjects: this.settings.destroy,
    });
    // The reference's explicit statement, on top of enforceSSL: no object read or write without TLS.
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OnlyAllowSecureTransport',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    Validations.of(bucket).acknowledge(...REPLICATION_ACKS);
    return bucket;
  }
}

const REPLICATION_REASON = 'Cross-region replication needs a second region and doubles storage cost, so it is the deployer\'s choice; versioning protects objects in-region. Add a replication rule to the exposed bucket where required.';
const REPLICATION_ACKS = [
  { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
  { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON },
];

function dataLifecycle(profile: EnvironmentProfile): { expiration?: Duration; noncurrent: Duration; glacier?: Duration } {
  switch (profile) {
    case EnvironmentProfile.DEV: return { expiration: Duration.days(60), noncurrent: Duration.days(30) };
    case EnvironmentProfile.TEST: return { expiration: Duration.days(365), noncurrent: Duration.days(90) };
    default: return { expiration: Duration.days(3650), noncurrent: Duration.days(180), glacier: Duration.days(365) };
  }
}

function checkNotBoth(scope: Construct, a: string, va: unknown, b: string, vb: unknown): void {
  if (va !== undefined && vb !== undefined) {
    throw new InsuranceLakeError('Storage.BucketConflict', scope, `give either ${a} (use an existing bucket) or ${b} (name of a bucket to create), not both`);
  }
}
