import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Configuration } from './etl/configuration';
import { ConsumerAccessOptions } from './etl/consumer-access-props';
import { EtlJobsOptions } from './etl/etl-jobs-props';
import { GlueNetworkOptions } from './etl/glue-network-props';
import { LakeMonitoringOptions } from './monitoring/lake-monitoring-props';
import { EtlOrchestrationOptions } from './orchestration/etl-orchestration-props';
import { DataLakeStorageProps } from './storage/data-lake-storage-props';
import { EtlTablesOptions } from './tables/etl-tables-props';

/**
 * Properties of {@link InsuranceLake}. Everything is optional: `new InsuranceLake(this, 'Lake')`
 * gives the complete lake for environment `dev` with prefix `insurancelake`.
 *
 * The lake composes its sub-constructs, and their settings are its props: naming, profile and
 * removal ({@link LakeCommonProps}); key and buckets ({@link DataLakeStorageProps}); tables
 * ({@link EtlTablesOptions}); jobs ({@link EtlJobsOptions}); Glue network ({@link GlueNetworkOptions});
 * Athena workgroup and consumer policy ({@link ConsumerAccessOptions}); the workflow, its Lambdas and
 * notifications ({@link EtlOrchestrationOptions}); alarms and dashboard ({@link LakeMonitoringOptions}).
 */
export interface InsuranceLakeProps extends DataLakeStorageProps, EtlTablesOptions, EtlJobsOptions,
  GlueNetworkOptions, ConsumerAccessOptions, EtlOrchestrationOptions, LakeMonitoringOptions {
  /**
   * The pipeline configuration: `Configuration.fromAsset('config')` deploys a local configuration
   * folder (its `etl/` subfolder to `etl/` in the ETL scripts bucket, validated at synth);
   * `Configuration.fromBucket(bucket)` reads it from a bucket you manage, which then becomes the
   * lake's ETL scripts bucket.
   * @default - the value of `configurationPath`; without it nothing is deployed (put the
   * configuration under `etl/` in the ETL scripts bucket yourself)
   */
  readonly configuration?: Configuration;
  /**
   * Shorthand for `configuration: Configuration.fromAsset(configurationPath)`: the local
   * configuration folder, the same folder `insurancelake run --config` takes (it contains `etl/`).
   * Not allowed together with `configuration`.
   * @default - no local configuration folder
   */
  readonly configurationPath?: string;
  /**
   * VPC for the Glue jobs: a {@link GlueNetwork} (one Glue NETWORK connection per subnet) is
   * created and every job uses all of its connections.
   * @default - the jobs run without a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Create the {@link LakeMonitoring}: alarms on failed executions, Glue job failures, Lambda
   * errors, dead letters and DynamoDB throttles that notify the lake's topic, and a dashboard.
   * @default true
   */
  readonly monitoring?: boolean;
  /**
   * Add stack outputs (`CfnOutput`) with the names of the Collect, Cleanse and Consume buckets, the
   * state machine's ARN, the topic's ARN, the Athena workgroup and the dashboard.
   * @default true
   */
  readonly stackOutputs?: boolean;
  /**
   * Tags for every resource of the lake, in addition to `<prefix>:environment` and `<prefix>:application`.
   * @default - only the two default tags
   */
  readonly tags?: { [key: string]: string };
}
