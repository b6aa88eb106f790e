import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as glue from 'aws-cdk-lib/aws-glue';
import { EtlJobOptions, TableFormat } from './etl/etl-jobs-props';
import { DataLakeStorageProps } from './storage/data-lake-storage-props';

/**
 * Properties of {@link InsuranceLake}. Everything is optional: `new InsuranceLake(this, 'Lake')`
 * gives the complete lake for environment `dev` with prefix `insurancelake`.
 *
 * The storage properties (key, bring-your-own buckets, bucket names, lifecycle) are those of
 * {@link DataLakeStorageProps}; naming, profile and removal those of {@link LakeCommonProps}.
 */
export interface InsuranceLakeProps extends DataLakeStorageProps {
  /**
   * Glue version of the three jobs (each can override it).
   * @default glue.GlueVersion.V5_1
   */
  readonly glueVersion?: glue.GlueVersion;
  /**
   * Format of the Cleanse and Consume tables.
   * @default TableFormat.ICEBERG
   */
  readonly tableFormat?: TableFormat;
  /**
   * Create the consume-entity-match job (and, with the orchestration, its branch of the state machine).
   * @default true
   */
  readonly entityMatch?: boolean;
  /**
   * Record data lineage: creates the lineage table and passes `--data_lineage_table` to the jobs.
   * @default true
   */
  readonly lineage?: boolean;
  /**
   * Encrypt every DynamoDB table with the lake key, not only the hash-values table.
   * @default false
   */
  readonly encryptAllTables?: boolean;
  /**
   * Settings of the collect-to-cleanse job.
   * @default - see {@link EtlJobOptions}
   */
  readonly collectToCleanseJob?: EtlJobOptions;
  /**
   * Settings of the cleanse-to-consume job.
   * @default - see {@link EtlJobOptions}
   */
  readonly cleanseToConsumeJob?: EtlJobOptions;
  /**
   * Settings of the consume-entity-match job. Only with `entityMatch` on.
   * @default - see {@link EtlJobOptions}
   */
  readonly consumeEntityMatchJob?: EtlJobOptions;
  /**
   * Extra jar files for the jobs (`--extra-jars`).
   * @default - none
   */
  readonly extraJars?: glue.Code[];
  /**
   * Folder with the Glue entry scripts and the `insurancelake_etl` package.
   * @default - the engine shipped with this library
   */
  readonly engineAssetPath?: string;
  /**
   * Local folder with the pipeline configuration (`transformation-spec/`, `transformation-sql/`,
   * `dq-rules/`), deployed to `etl/` in the ETL scripts bucket.
   * @default - nothing is deployed; upload configuration to `etl/` yourself
   */
  readonly configurationPath?: string;
  /**
   * Delete files under `etl/` that are not in `configurationPath` at every deployment.
   * @default - true for the DEV profile, false otherwise
   */
  readonly pruneConfiguration?: boolean;
  /**
   * VPC for the Glue jobs (one Glue NETWORK connection per subnet).
   * @default - the jobs run without a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the Glue connections. Only with `vpc`.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security group of the Glue connections. Only with `vpc`.
   * @default - one with a self-referencing ingress rule is created
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Set the account's Glue Data Catalog encryption to the lake key (account-and-region-wide).
   * @default false
   */
  readonly encryptDataCatalog?: boolean;
  /**
   * Create the data-lake consumer managed policy.
   * @default true
   */
  readonly consumerPolicy?: boolean;
  /**
   * E-mail addresses subscribed to the pipeline's success and failure notifications.
   * @default - no subscriptions
   */
  readonly notificationEmails?: string[];
  /**
   * Tags for every resource of the lake, in addition to `<prefix>:environment` and `<prefix>:application`.
   * @default - only the two default tags
   */
  readonly tags?: { [key: string]: string };
}
