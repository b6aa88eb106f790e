import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LakeCommonProps } from '../lake-common-props';

/**
 * Storage format of the Cleanse and Consume tables the jobs write (`--table_format`).
 */
export enum TableFormat {
  /** Apache Iceberg (format v2) tables in the Glue Data Catalog `glue_catalog`. */
  ICEBERG = 'ICEBERG',
  /** Hive-style partitioned Parquet, the reference's format. */
  PARQUET = 'PARQUET',
}

/**
 * Per-job settings of one of the three ETL jobs.
 */
export interface EtlJobOptions {
  /**
   * Glue version of this job.
   * @default - the `glueVersion` of the construct (5.1)
   */
  readonly glueVersion?: glue.GlueVersion;
  /**
   * Worker type.
   * @default glue.WorkerType.G_1X
   */
  readonly workerType?: glue.WorkerType;
  /**
   * Maximum number of workers (auto-scaling is on, so this is an upper bound).
   * @default 25
   */
  readonly numberOfWorkers?: number;
  /**
   * Time after which a run is stopped.
   * @default - Glue's default of 48 hours
   */
  readonly timeout?: Duration;
  /**
   * Retries of a failed run.
   * @default 0
   */
  readonly maxRetries?: number;
  /**
   * Runs of this job that may execute at the same time.
   * @default 10
   */
  readonly maxConcurrentRuns?: number;
  /**
   * Run on Glue Flex capacity (cheaper, may start later).
   * @default false
   */
  readonly flex?: boolean;
  /**
   * Python packages installed from PyPI when a run starts (`--additional-python-modules`).
   * Replaces the default list.
   * @default - every package of the engine's `requirements.txt` that the Glue image lacks
   */
  readonly additionalPythonModules?: string[];
  /**
   * More default arguments for this job, e.g. `--redshift_database`. They cannot replace the
   * arguments the construct sets.
   * @default - none
   */
  readonly extraArguments?: { [key: string]: string };
}

/**
 * Properties of {@link EtlJobs}.
 */
export interface EtlJobsProps extends LakeCommonProps {
  /** The lake key (bucket encryption, security configuration, Athena results). */
  readonly encryptionKey: kms.IKey;
  /** Raw data the collect-to-cleanse job reads. */
  readonly collectBucket: s3.IBucket;
  /** Target of collect-to-cleanse, source of cleanse-to-consume. */
  readonly cleanseBucket: s3.IBucket;
  /** Target of cleanse-to-consume and entity match. */
  readonly consumeBucket: s3.IBucket;
  /** Holds the ETL configuration under `etl/` (`--txn_bucket`). */
  readonly etlScriptsBucket: s3.IBucket;
  /** Glue `--TempDir`, Spark UI logs, Athena query results. */
  readonly glueTempBucket: s3.IBucket;

  /** Hash-values table (`--hash_value_table`). */
  readonly hashValuesTable: dynamodb.ITable;
  /** Value-lookup table (`--value_lookup_table`). */
  readonly valueLookupTable: dynamodb.ITable;
  /** Multi-lookup table (`--multi_lookup_table`). */
  readonly multiLookupTable: dynamodb.ITable;
  /** DQ-results table (`--dq_results_table`). */
  readonly dqResultsTable: dynamodb.ITable;
  /**
   * Data-lineage table; when given, the jobs receive `--data_lineage_table` and record lineage.
   * @default - no lineage
   */
  readonly dataLineageTable?: dynamodb.ITable;

  /**
   * Glue version of all three jobs (each can override it).
   * @default glue.GlueVersion.V5_1
   */
  readonly glueVersion?: glue.GlueVersion;
  /**
   * Table format the jobs write.
   * @default TableFormat.ICEBERG
   */
  readonly tableFormat?: TableFormat;
  /**
   * Create the consume-entity-match job.
   * @default true
   */
  readonly entityMatch?: boolean;
  /**
   * Settings of the collect-to-cleanse job.
   * @default - defaults of {@link EtlJobOptions}
   */
  readonly collectToCleanseJob?: EtlJobOptions;
  /**
   * Settings of the cleanse-to-consume job.
   * @default - defaults of {@link EtlJobOptions}
   */
  readonly cleanseToConsumeJob?: EtlJobOptions;
  /**
   * Settings of the consume-entity-match job.
   * @default - defaults of {@link EtlJobOptions}
   */
  readonly consumeEntityMatchJob?: EtlJobOptions;
  /**
   * Extra jar files for all three jobs (`--extra-jars`, with `--user-jars-first`).
   * @default - none
   */
  readonly extraJars?: glue.Code[];
  /**
   * Folder holding the Glue entry scripts (`etl_*.py`) and the `insurancelake_etl` package.
   * @default - the engine shipped with this library
   */
  readonly engineAssetPath?: string;

  /**
   * Local folder with the pipeline configuration (`transformation-spec/`, `transformation-sql/`,
   * `dq-rules/`), deployed to `etl/` in the ETL scripts bucket.
   * @default - nothing is deployed
   */
  readonly configurationPath?: string;
  /**
   * Delete files under `etl/` that are not in `configurationPath` at every deployment.
   * @default - true for the DEV profile, false otherwise
   */
  readonly pruneConfiguration?: boolean;

  /**
   * VPC for the jobs; one Glue NETWORK connection is created per selected subnet and every job
   * uses all of them. The subnets need a route to S3, DynamoDB, Glue, KMS and to PyPI (NAT) for
   * the `--additional-python-modules` installs.
   * @default - the jobs run without a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the Glue connections.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security group of the Glue connections. Glue requires a self-referencing ingress rule on it.
   * @default - a security group with a self-referencing all-traffic ingress rule is created
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * Set the account's Glue Data Catalog encryption (catalog at rest and connection passwords) to
   * the lake key. This is an account-and-region-wide setting: turn it on in one stack only.
   * @default false
   */
  readonly encryptDataCatalog?: boolean;
  /**
   * Create the data-lake consumer managed policy (read access to Cleanse and Consume, the key,
   * the Athena workgroup and the catalog).
   * @default true
   */
  readonly consumerPolicy?: boolean;
}
