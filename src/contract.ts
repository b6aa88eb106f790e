// The names other code relies on: the Glue entry scripts, the Lambda handlers, the local runner and
// users' configuration files. They come from the InsuranceLake reference
// (shared/reference/infrastructure.md §4.4, §7, §8, §9.4, §17.2) and must not drift. Constructs read
// them from here instead of repeating string literals.
//
// Internal module: not exported from index.ts, so it is free of jsii's public-API rules.

/** Glue job argument names (without the leading `--`), as the entry scripts read them. */
export const JobArg = {
  // Job defaults set by the construct
  ENVIRONMENT: 'environment',
  TXN_BUCKET: 'txn_bucket',
  TXN_SPEC_PREFIX_PATH: 'txn_spec_prefix_path',
  TXN_SQL_PREFIX_PATH: 'txn_sql_prefix_path',
  SOURCE_BUCKET: 'source_bucket',
  TARGET_BUCKET: 'target_bucket',
  HASH_VALUE_TABLE: 'hash_value_table',
  VALUE_LOOKUP_TABLE: 'value_lookup_table',
  MULTI_LOOKUP_TABLE: 'multi_lookup_table',
  DQ_RESULTS_TABLE: 'dq_results_table',
  DATA_LINEAGE_TABLE: 'data_lineage_table',
  ATHENA_WORKGROUP: 'athena_workgroup',
  ICEBERG_CATALOG: 'iceberg_catalog',
  TABLE_FORMAT: 'table_format',
  TEMP_DIR: 'TempDir',
  // Set per run by the state machine (§9.4)
  STATE_MACHINE_NAME: 'state_machine_name',
  EXECUTION_ID: 'execution_id',
  SOURCE_KEY: 'source_key',
  SOURCE_PATH: 'source_path',
  TABLE_NAME: 'table_name',
  BASE_FILE_NAME: 'base_file_name',
  SOURCE_DATABASE_NAME: 'source_database_name',
  TARGET_DATABASE_NAME: 'target_database_name',
  DATABASE_NAME_PREFIX: 'database_name_prefix',
  P_YEAR: 'p_year',
  P_MONTH: 'p_month',
  P_DAY: 'p_day',
  // Optional Redshift arguments of the cleanse-to-consume job
  REDSHIFT_DATABASE: 'redshift_database',
  REDSHIFT_WORKGROUP_NAME: 'redshift_workgroup_name',
  REDSHIFT_CLUSTER_ID: 'redshift_cluster_id',
} as const;

/** `--name` form of a job argument. */
export function jobArg(name: string): string {
  return `--${name}`;
}

/** Glue service arguments (not read by our scripts, but part of the job contract). */
export const GlueArg = {
  ADDITIONAL_PYTHON_MODULES: '--additional-python-modules',
  DATALAKE_FORMATS: '--datalake-formats',
  CONF: '--conf',
  ENABLE_AUTO_SCALING: '--enable-auto-scaling',
  ENABLE_GLUE_DATACATALOG: '--enable-glue-datacatalog',
  TEMP_DIR: '--TempDir',
} as const;

/** The Iceberg catalog name the jobs use (`--iceberg_catalog`). */
export const ICEBERG_CATALOG_NAME = 'glue_catalog';

/** Values of `--table_format`. */
export const TableFormatValue = {
  ICEBERG: 'ICEBERG',
  PARQUET: 'PARQUET',
} as const;

/** Configuration layout in the ETL scripts bucket (all under `etl/`). */
export const ConfigPrefix = {
  /** Key prefix of everything the construct deploys to the scripts bucket. */
  ROOT: 'etl/',
  /** Value of `--txn_spec_prefix_path`: `<DB>-<TBL>.json|.csv`, `<DB>-entitymatch.json`, `<DB>-<TBL>-dependent.json`. */
  TRANSFORMATION_SPEC: '/etl/transformation-spec/',
  /** Value of `--txn_sql_prefix_path`: `{spark,athena,redshift}-<DB>-<TBL>.sql`. */
  TRANSFORMATION_SQL: '/etl/transformation-sql/',
  /** DQ rules: `dq-<DB>-<TBL>.json`. */
  DQ_RULES: '/etl/dq-rules/',
} as const;

/** Key prefixes in the Glue temp bucket. */
export const TempPrefix = {
  /** `--TempDir` is `s3://<temp>/etl/<job key>/`. */
  TEMP_DIR: 'etl',
  /** Spark UI event logs: `s3://<temp>/spark-ui/<job key>/`. */
  SPARK_UI: 'spark-ui',
  /** Athena query results. */
  QUERY_RESULTS: 'query-results/',
} as const;

/** The three ETL jobs: key used in temp paths, physical name suffix, entry script. */
export const EtlJobSpec = {
  COLLECT_TO_CLEANSE: {
    key: 'collect_to_cleanse',
    nameSuffix: 'collect-to-cleanse-job',
    script: 'etl_collect_to_cleanse.py',
  },
  CLEANSE_TO_CONSUME: {
    key: 'cleanse_to_consume',
    nameSuffix: 'cleanse-to-consume-job',
    script: 'etl_cleanse_to_consume.py',
  },
  CONSUME_ENTITY_MATCH: {
    key: 'consume_entity_match',
    nameSuffix: 'consume-entity-match-job',
    script: 'etl_consume_entity_match.py',
  },
} as const;

/** The engine's Python package folder under `assets/glue/`. */
export const ENGINE_PACKAGE = 'insurancelake_etl';

/** DynamoDB table keys and index names (§7). Key types are all STRING except where noted. */
export const TableKey = {
  JOB_AUDIT: { partitionKey: 'execution_id' },
  HASH_VALUES: { partitionKey: 'hash_key' },
  VALUE_LOOKUP: { partitionKey: 'source_system', sortKey: 'column_name' },
  MULTI_LOOKUP: { partitionKey: 'lookup_group', sortKey: 'lookup_item' },
  DQ_RESULTS: { partitionKey: 'execution_id', sortKey: 'job_id_action_rule' },
  DATA_LINEAGE: { partitionKey: 'step_function_execution_id', sortKey: 'job_id_operation_seq' },
} as const;

/** The two global secondary indexes of the job-audit table (§7), exactly as the Lambdas query them. */
export const JobAuditIndex = {
  /** GSI1: partition `source_key` (S), sort `job_start_date_int` (N), INCLUDE `job_latest_status`. */
  SOURCE_KEY_START_DATE: {
    indexName: 'source_key-job_start_date_int-index',
    partitionKey: 'source_key',
    sortKey: 'job_start_date_int',
    nonKeyAttributes: ['job_latest_status'],
  },
  /** GSI2: partition `job_latest_status` (S), sort `dependency_key` (S), INCLUDE four attributes. */
  STATUS_DEPENDENCY: {
    indexName: 'job_latest_status-dependency_key-index',
    partitionKey: 'job_latest_status',
    sortKey: 'dependency_key',
    nonKeyAttributes: ['execution_id', 'sfn_execution_name', 'sfn_input', 'source_key'],
  },
} as const;

/** Table name suffixes: the physical name is `{env}-{p_}-<suffix>`. */
export const TableSuffix = {
  JOB_AUDIT: 'etl-job-audit',
  HASH_VALUES: 'etl-hash-values',
  VALUE_LOOKUP: 'etl-value-lookup',
  MULTI_LOOKUP: 'etl-multi-lookup',
  DQ_RESULTS: 'etl-dq-results',
  DATA_LINEAGE: 'etl-data-lineage',
} as const;

/** Bucket name suffixes: the physical name is `{env}-{p}-{account}-{region}-<suffix>`. */
export const BucketSuffix = {
  ACCESS_LOGS: 'access-logs',
  COLLECT: 'collect',
  CLEANSE: 'cleanse',
  CONSUME: 'consume',
  ETL_SCRIPTS: 'etl-scripts',
  GLUE_TEMP: 'glue-temp',
} as const;

/** Physical name patterns (§4.4, with decision I1: the environment and prefix in every shared name). */
export const PhysicalName = {
  /** `{env}-{p}-{account}-{region}-<suffix>` */
  bucket: (env: string, prefix: string, account: string, region: string, suffix: string) =>
    `${env}-${prefix}-${account}-${region}-${suffix}`,
  /** `{env}-{p_}-<suffix>`: DynamoDB tables use the prefix with hyphens turned into underscores. */
  table: (env: string, prefix: string, suffix: string) => `${env}-${prefix.replace(/-/g, '_')}-${suffix}`,
  /** `{env}-{p}-<suffix>`: Glue jobs, connections, state machine, topic, Lambdas. */
  resource: (env: string, prefix: string, suffix: string) => `${env}-${prefix}-${suffix}`,
  /** `{env}-{p}-{region}-<suffix>`: IAM roles and policies. */
  regional: (env: string, prefix: string, region: string, suffix: string) => `${env}-${prefix}-${region}-${suffix}`,
  /** `alias/{env}-{p}-kms-key` */
  keyAlias: (env: string, prefix: string) => `alias/${env}-${prefix}-kms-key`,
  /** `{env}-{p_}`: Athena workgroup, carrying the environment (decision I1). */
  athenaWorkgroup: (env: string, prefix: string) => `${env}-${prefix.replace(/-/g, '_')}`,
} as const;

/** Audit statuses written by the Lambdas and read by the dependency logic. */
export const AuditStatus = {
  STARTED: 'STARTED',
  QUEUED: 'QUEUED',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
} as const;

// ---- Orchestration (shared/reference/infrastructure.md §7, §9, §10, §11) ----
// Read by the Lambda handlers (bundled with esbuild, so this module must stay free of CDK imports),
// the state-machine definition and the local runner.

/** Keys of the state-machine execution input written by the trigger (§9.5). */
export const ExecutionInput = {
  TARGET_DATABASE_NAME: 'target_database_name',
  SOURCE_BUCKETNAME: 'source_bucketname',
  SOURCE_KEY: 'source_key',
  SOURCE_PATH: 'source_path',
  BASE_FILE_NAME: 'base_file_name',
  P_YEAR: 'p_year',
  P_MONTH: 'p_month',
  P_DAY: 'p_day',
  TABLE_NAME: 'table_name',
  EXECUTION_ID: 'execution_id',
  ENTITY_MATCH: 'entity_match',
} as const;

/** Where the state machine stores task results in its state (§9.2). */
export const StateResultPath = {
  /** Glue JobRun result, or the caught `{Error, Cause}`. */
  TASK_RESULT: '$.taskresult',
  /** The auditor Lambda's invoke response (or, when the auditor failed, the caught error). */
  STATUS_UPDATE_RESULT: '$.status_update_result',
  /** The caught error of a failed SNS publish (our addition, decision I6). */
  NOTIFICATION_ERROR: '$.notification_error',
} as const;

/** Attributes of a job-audit item (§7). */
export const AuditAttr = {
  EXECUTION_ID: 'execution_id',
  SFN_EXECUTION_NAME: 'sfn_execution_name',
  SFN_ARN: 'sfn_arn',
  SFN_INPUT: 'sfn_input',
  SOURCE_KEY: 'source_key',
  JOB_LATEST_STATUS: 'job_latest_status',
  JOB_START_DATE: 'job_start_date',
  JOB_START_DATE_INT: 'job_start_date_int',
  JOB_LAST_UPDATED_TIMESTAMP: 'job_last_updated_timestamp',
  PRINCIPAL_ID: 'principal_id',
  SOURCE_IPADDRESS: 'source_ipaddress',
  DEPENDENCY_KEY: 'dependency_key',
  ERROR_MESSAGE: 'error_message',
} as const;

/** `dependency_key` of a job without dependencies: the string `'None'` (the GSI needs a value). */
export const NO_DEPENDENCY_KEY = 'None';

/** Environment variables of the three Lambda functions (§10). */
export const LambdaEnv = {
  DYNAMODB_TABLE_NAME: 'DYNAMODB_TABLE_NAME',
  SFN_STATE_MACHINE_ARN: 'SFN_STATE_MACHINE_ARN',
  GLUE_SCRIPTS_BUCKET_NAME: 'GLUE_SCRIPTS_BUCKET_NAME',
} as const;

/** Per-workflow configuration files the trigger reads from the scripts bucket (§10.2). */
export const WorkflowConfig = {
  /** Key prefix (no leading slash) of the transformation specs. */
  SPEC_KEY_PREFIX: 'etl/transformation-spec/',
  /** `<DB>-entitymatch.json`: its presence (prefix match) switches entity match on. */
  entityMatchKey: (database: string) => `etl/transformation-spec/${database}-entitymatch.json`,
  /** `<DB>-<TBL>-dependent.json`: `{"depends_on": {"<db>/<tbl>": ...}, "lookback": {relativedelta args}}`. */
  dependentKey: (database: string, table: string) => `etl/transformation-spec/${database}-${table}-dependent.json`,
} as const;

/** The SNS notification contract (§11). */
export const Notification = {
  /** Message attribute that carries the outcome; the dependency trigger's filter policy reads it. */
  STATUS_ATTRIBUTE: 'status',
  SUCCESS_SUBJECT: 'Job Completed',
  FAILURE_SUBJECT: 'Job Failed',
} as const;

/** Physical name suffixes of the orchestration resources: `{env}-{p}-<suffix>`. */
export const OrchestrationSuffix = {
  STATE_MACHINE: 'etl-state-machine',
  TOPIC: 'etl-notification-topic',
  TRIGGER: 'etl-trigger',
  STATUS_UPDATE: 'etl-status-update',
  DEPENDENCY_TRIGGER: 'etl-dependency-trigger',
  DEAD_LETTER_QUEUE: 'etl-lambda-dlq',
} as const;

/** State names after the `{Env}{P}` prefix (§9.2); users refer to them (e.g. to add Redshift arguments). */
export const StateSuffix = {
  COLLECT: 'CollectGlueJobTask',
  CLEANSE: 'CleanseGlueJobTask',
  ENTITY_MATCH_CHOICE: 'EntityMatchChoice',
  ENTITY_MATCH: 'EntityMatchGlueJobTask',
  SUCCESS_AUDIT: 'EtlSuccessJobAuditUpdateTask',
  SUCCESS_PUBLISH: 'EtlSuccessPublishTask',
  SUCCEEDED: 'EtlSucceededState',
  FAILURE_AUDIT: 'EtlFailureJobAuditUpdateTask',
  FAILURE_PUBLISH: 'EtlFailurePublishTask',
  FAILED: 'EtlFailedState',
  NOTIFICATION_FAILED: 'EtlNotificationFailedState',
} as const;
