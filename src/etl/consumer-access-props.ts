import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LakeCommonProps } from '../lake-common-props';

/**
 * Settings of the consumer access (user options of {@link ConsumerAccess}).
 */
export interface ConsumerAccessOptions {
  /**
   * Create the data-lake consumer managed policy (read access to Cleanse and Consume, the key, the
   * Athena workgroup and the catalog).
   * @default true
   */
  readonly consumerPolicy?: boolean;
}

/**
 * Properties of {@link ConsumerAccess}.
 */
export interface ConsumerAccessProps extends LakeCommonProps, ConsumerAccessOptions {
  /** The lake key: Athena results are encrypted with it; consumers decrypt with it. */
  readonly encryptionKey: kms.IKey;
  /** Cleanse bucket (consumers read it). */
  readonly cleanseBucket: s3.IBucket;
  /** Consume bucket (consumers read it). */
  readonly consumeBucket: s3.IBucket;
  /** Glue temp bucket: Athena query results go to `query-results/` in it. */
  readonly glueTempBucket: s3.IBucket;
}
