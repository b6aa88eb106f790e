import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TransformModules } from './transform-modules';
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
export interface EtlJobSettings {
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
 * Settings of the three ETL jobs (user options of {@link EtlJobs}).
 */
export interface EtlJobsOptions {
  /**
   * Glue version of all three jobs (each can override it).
   * @default glue.GlueVersion.V5_1
   */
  readonly glueVersion?: glue.GlueVersion;
  /**
   * Format of the Cleanse and Consume tables the jobs write (`--table_format`).
   * @default TableFormat.ICEBERG
   */
  readonly tableFormat?: TableFormat;
  /**
   * Create the consume-entity-match job (and, with the orchestration, its branch of the state machine).
   * @default true
   */
  readonly entityMatch?: boolean;
  /**
   * Settings of the collect-to-cleanse job.
   * @default - defaults of {@link EtlJobSettings}
   */
  readonly collectToCleanseJob?: EtlJobSettings;
  /**
   * Settings of the cleanse-to-consume job.
   * @default - defaults of {@link EtlJobSettings}
   */
  readonly cleanseToConsumeJob?: EtlJobSettings;
  /**
   * Settings of the consume-entity-match job. Only with `entityMatch` on.
   * @default - defaults of {@link EtlJobSettings}
   */
  readonly consumeEntityMatchJob?: EtlJobSettings;
  /**
   * Extra jar files for all three jobs (`--extra-jars`, with `--user-jars-first`).
   * @default - none
   */
  readonly extraJars?: glue.Code[];
  /**
   * Your own transform modules, shipped to all jobs as a separate zip in `--extra-py-files` and
   * imported by each job before it checks the spec (`--transform_modules`), so their transform
   * keys can be used in the transformation specs. See {@link TransformModules}.
   * @default - only the engine's built-in transforms
   */
  readonly transformModules?: TransformModules;
  /**
   * Folder holding the Glue entry scripts (`etl_*.py`) and the `insurancelake_etl` package.
   * @default - the engine shipped with this library
   */
  readonly engineAssetPath?: string;
  /**
   * Set the account's Glue Data Catalog encryption (catalog at rest and connection passwords) to
   * the lake key. This is an account-and-region-wide setting: turn it on in one stack only.
   * @default false
   */
  readonly encryptDataCatalog?: boolean;
}

/**
 * Properties of {@link EtlJobs}: the lake's resources the jobs use, and the job settings.
 */
export interface EtlJobsProps extends LakeCommonProps, EtlJobsOptions {
  /** The lake key (security configuration: S3, CloudWatch Logs, bookmarks). */
  readonly encryptionKey: kms.IKey;
  /** Raw data the collect-to-cleanse job reads. */
  readonly collectBucket: s3.IBucket;
  /** Target of collect-to-cleanse, source of cleanse-to-consume. */
  readonly cleanseBucket: s3.IBucket;
  /** Target of cleanse-to-consume and entity match. */
  readonly consumeBucket: s3.IBucket;
  /** Holds the pipeline configuration under `etl/` (`--txn_bucket`); the jobs read it. */
  readonly etlScriptsBucket: s3.IBucket;
  /** Glue `--TempDir` and Spark UI logs. */
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

  /** Athena workgroup of the cleanse-to-consume job's Athena SQL (`--athena_workgroup`), e.g. {@link ConsumerAccess.athenaWorkgroupName}. */
  readonly athenaWorkgroupName: string;
  /**
   * Glue NETWORK connections every job uses (e.g. {@link GlueNetwork.connections}).
   * @default - the jobs run without a VPC
   */
  readonly connections?: glue.IConnection[];
}
