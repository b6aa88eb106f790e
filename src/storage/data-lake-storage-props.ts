import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LakeCommonProps } from '../lake-common-props';

/**
 * Properties of {@link DataLakeStorage}.
 */
export interface DataLakeStorageProps extends LakeCommonProps {
  /**
   * Key for the data buckets, the ETL buckets and everything else the lake encrypts.
   * Its key policy must let CloudWatch Logs (`logs.<region>.amazonaws.com`) use it, because the
   * Glue security configuration encrypts the job logs with it.
   * @default - a customer-managed key with rotation on, alias `{env}-{prefix}-kms-key`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Accounts (besides the lake's own) allowed to use the created key, e.g. a deployment account.
   * Ignored when `encryptionKey` is given.
   * @default - none
   */
  readonly keyUserAccounts?: string[];

  /**
   * Use this bucket as Collect (raw landing zone) instead of creating one.
   * It must be encrypted with `encryptionKey` or with S3-managed keys.
   * @default - a bucket named `{env}-{prefix}-{account}-{region}-collect` is created
   */
  readonly existingCollectBucket?: s3.IBucket;
  /**
   * Physical name of the created Collect bucket. Not allowed together with `existingCollectBucket`.
   * @default `{env}-{prefix}-{account}-{region}-collect`
   */
  readonly collectBucketName?: string;

  /**
   * Use this bucket as Cleanse instead of creating one.
   * @default - a bucket named `{env}-{prefix}-{account}-{region}-cleanse` is created
   */
  readonly existingCleanseBucket?: s3.IBucket;
  /**
   * Physical name of the created Cleanse bucket. Not allowed together with `existingCleanseBucket`.
   * @default `{env}-{prefix}-{account}-{region}-cleanse`
   */
  readonly cleanseBucketName?: string;

  /**
   * Use this bucket as Consume instead of creating one.
   * @default - a bucket named `{env}-{prefix}-{account}-{region}-consume` is created
   */
  readonly existingConsumeBucket?: s3.IBucket;
  /**
   * Physical name of the created Consume bucket. Not allowed together with `existingConsumeBucket`.
   * @default `{env}-{prefix}-{account}-{region}-consume`
   */
  readonly consumeBucketName?: string;

  /**
   * Use this bucket as the destination of server access logs instead of creating one. It must accept
   * log delivery (bucket policy for `logging.s3.amazonaws.com`) and must not use SSE-KMS.
   * @default - a bucket named `{env}-{prefix}-{account}-{region}-access-logs` is created
   */
  readonly existingAccessLogsBucket?: s3.IBucket;
  /**
   * Physical name of the created access-logs bucket. Not allowed together with `existingAccessLogsBucket`.
   * @default `{env}-{prefix}-{account}-{region}-access-logs`
   */
  readonly accessLogsBucketName?: string;

  /**
   * Use this bucket for ETL scripts and configuration instead of creating one.
   * @default - a bucket named `{env}-{prefix}-{account}-{region}-etl-scripts` is created
   */
  readonly existingEtlScriptsBucket?: s3.IBucket;
  /**
   * Physical name of the created ETL scripts bucket. Not allowed together with `existingEtlScriptsBucket`.
   * @default `{env}-{prefix}-{account}-{region}-etl-scripts`
   */
  readonly etlScriptsBucketName?: string;

  /**
   * Use this bucket for Glue temporary files, Spark UI logs and Athena results instead of creating one.
   * @default - a bucket named `{env}-{prefix}-{account}-{region}-glue-temp` is created
   */
  readonly existingGlueTempBucket?: s3.IBucket;
  /**
   * Physical name of the created Glue temp bucket. Not allowed together with `existingGlueTempBucket`.
   * @default `{env}-{prefix}-{account}-{region}-glue-temp`
   */
  readonly glueTempBucketName?: string;

  /**
   * Lifecycle of the created Collect, Cleanse and Consume buckets, overriding the profile's values.
   * @default - from the profile (DEV 60/30 days, TEST 365/90, PROD 3650/180 with Glacier after 365)
   */
  readonly dataLifecycle?: DataLifecycle;
}

/**
 * Lifecycle of the data buckets (current-version expiration, noncurrent-version expiration, Glacier transition).
 */
export interface DataLifecycle {
  /**
   * Expire current object versions after this time.
   * @default - from the profile; no expiration when the profile gives none
   */
  readonly expiration?: Duration;
  /**
   * Expire noncurrent object versions after this time.
   * @default - from the profile
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * Move current object versions to Glacier Flexible Retrieval after this time.
   * @default - from the profile (PROD: 365 days; otherwise none)
   */
  readonly glacierTransition?: Duration;
}
