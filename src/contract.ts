// The names other code relies on: the Glue entry scripts, the Lambda handlers, the local runner and
// users' configuration files. They come from the InsuranceLake reference
// (shared/reference/infrastructure.md §4.4, §7, §8, §9.4, §17.2) and must not drift. What the engine
// reads too (the jobs, their arguments, the configuration layout, bucket prefixes) comes from
// assets/glue/insurancelake_etl/contract.json, written once for both languages; the rest (tables,
// state machine, Lambdas) is read only by TypeScript and is written here. Constructs read names from
// here instead of repeating string literals.
//
// Internal module: not exported from index.ts, so it is free of jsii's public-API rules.

/** Who fills a job argument (contract.json `arguments.<name>.set_by`). */
export type ArgumentSetter = 'construct' | 'state_machine' | 'glue' | 'local' | 'user';

/** One job argument of contract.json. */
export interface ContractArgument {
  readonly set_by: ArgumentSetter;
  readonly description: string;
  /** The fixed value, for the arguments whose value is part of the contract (prefixes, catalog name). */
  readonly value?: string;
}

/** Where a Glue task takes a state-machine argument from: an execution-input path, the context object, or a format of a path. */
export interface StateMachineInput {
  readonly path?: string;
  readonly context?: string;
  readonly format?: string;
}

/** One Glue job of contract.json. */
export interface ContractJob {
  readonly name_suffix: string;
  readonly script: string;
  readonly description: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** state_machine argument name -> key of `state_machine_inputs`. */
  readonly task_arguments: Readonly<Record<string, string>>;
}

/** The configuration folder's layout (contract.json `configuration`). */
export interface ConfigurationLayoutDocument {
  /** The subfolder that is deployed to the same keys in the ETL scripts bucket (`etl`). */
  readonly deployed_folder: string;
  readonly folders: { readonly transformation_spec: string; readonly transformation_sql: string; readonly dq_rules: string };
  /** Path templates relative to the configuration folder, with `{database}`, `{table}` and `{kind}`. */
  readonly files: {
    readonly spec: string;
    readonly mapping: string;
    readonly entity_match: string;
    readonly dependent: string;
    readonly sql: string;
    readonly dq_rules: string;
    readonly lookups: string;
  };
  readonly sql_kinds: readonly string[];
  readonly local_only_folders: readonly string[];
}

/** The shape of assets/glue/insurancelake_etl/contract.json. Keys starting with `$` are comments. */
interface ContractDocument {
  readonly configuration: ConfigurationLayoutDocument;
  readonly bucket_prefixes: {
    readonly temp_dir: string;
    readonly spark_ui: string;
    readonly query_results: string;
    readonly iceberg_warehouse: string;
  };
  readonly arguments: Readonly<Record<string, ContractArgument>>;
  readonly state_machine_inputs: Readonly<Record<string, StateMachineInput>>;
  readonly jobs: Readonly<Record<string, ContractJob>>;
  readonly metrics: {
    readonly dimensions: { readonly pipeline: string; readonly job: string; readonly table: string };
    readonly names: {
      readonly rows_read: string;
      readonly rows_written: string;
      readonly rows_quarantined: string;
      readonly files: string;
      readonly duration: string;
    };
  };
}

// The one statement of the contract, shared with the engine (which loads it from its package). A
// require() rather than an import: tsconfig's rootDir is src/, and lib/ sits at the same depth as
// src/, so this path holds for the sources, the compiled library and the esbuild Lambda bundles
// (esbuild inlines required JSON).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CONTRACT: ContractDocument = require('../assets/glue/insurancelake_etl/contract.json');

/** Entries of a contract map without its `$comment` keys. */
function entries<T>(map: Readonly<Record<string, T>>): Array<[string, T]> {
  return Object.entries(map).filter(([key]) => !key.startsWith('$'));
}

/** Fill `{name}` placeholders of a contract template; a placeholder left unfilled is a programming error. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`contract template "${template}" needs {${name}}`);
    return value;
  });
}

/**
 * The three ETL jobs, in pipeline order. The keys are what the construct code binds to buckets and
 * state-machine tasks; everything else about a job comes from the contract.
 */
export const JOB_KEYS = ['collect_to_cleanse', 'cleanse_to_consume', 'consume_entity_match'] as const;
/** Key of one ETL job: its temp folder, engine module and the local runner's job id. */
export type JobKey = typeof JOB_KEYS[number];

{
  const declared = entries(CONTRACT.jobs).map(([key]) => key).sort();
  if (declared.join() !== [...JOB_KEYS].sort().join()) {
    throw new Error(`contract.json declares the jobs ${declared.join(', ')}; this library knows ${JOB_KEYS.join(', ')}`);
  }
}

/** A job of the contract: physical name suffix, entry script, description, arguments. */
export function contractJob(key: JobKey): ContractJob {
  return CONTRACT.jobs[key];
}

/** Every job argument of the contract, by name (without `--`). */
export function contractArguments(): Array<[string, ContractArgument]> {
  return entries(CONTRACT.arguments);
}

/** One job argument of the contract; an unknown name is a programming error. */
export function contractArgument(name: string): ContractArgument {
  const argument = CONTRACT.arguments[name];
  if (!argument || name.startsWith('$')) throw new Error(`contract.json has no job argument "${name}"`);
  return argument;
}

/** Where a Glue task takes the state-machine input `key` of `state_machine_inputs` from. */
export function stateMachineInput(key: string): StateMachineInput {
  const input = CONTRACT.state_machine_inputs[key];
  if (!input || key.startsWith('$')) throw new Error(`contract.json has no state machine input "${key}"`);
  return input;
}

/** `--name` form of a job argument. */
export function jobArg(name: string): string {
  return `--${name}`;
}

/** Glue service arguments: read by Glue itself, not by the entry scripts, so not in contract.json. */
export const GlueArg = {
  ADDITIONAL_PYTHON_MODULES: '--additional-python-modules',
  DATALAKE_FORMATS: '--datalake-formats',
  CONF: '--conf',
  ENABLE_AUTO_SCALING: '--enable-auto-scaling',
  ENABLE_GLUE_DATACATALOG: '--enable-glue-datacatalog',
} as const;

/** Values of `--table_format`. */
export const TableFormatValue = {
  ICEBERG: 'ICEBERG',
  PARQUET: 'PARQUET',
} as const;

/** The configuration folder's layout: the layout of the ETL scripts bucket. */
export const ConfigurationLayout: ConfigurationLayoutDocument = CONTRACT.configuration;

/** Key prefixes in the Glue temp bucket and the target buckets. */
export const BucketPrefix = {
  /** `--TempDir` folder of a job: `etl/<job key>/`. */
  tempDir: (jobKey: JobKey) => fillTemplate(CONTRACT.bucket_prefixes.temp_dir, { job_key: jobKey }),
  /** Spark UI event logs of a job: `spark-ui/<job key>/`. */
  sparkUi: (jobKey: JobKey) => fillTemplate(CONTRACT.bucket_prefixes.spark_ui, { job_key: jobKey }),
  /** Athena query results in the Glue temp bucket. */
  QUERY_RESULTS: CONTRACT.bucket_prefixes.query_results,
  /** The Iceberg warehouse in a target bucket. */
  ICEBERG_WAREHOUSE: CONTRACT.bucket_prefixes.iceberg_warehouse,
} as const;

/**
 * The custom metrics a finished job run publishes (contract.json `metrics`; the engine's
 * `insurancelake_etl/metrics.py` sends them): namespace, dimension names and metric names.
 */
export const PipelineMetricNames = {
  /** The CloudWatch namespace, the fixed value of `--metrics_namespace`. */
  NAMESPACE: CONTRACT.arguments.metrics_namespace.value as string,
  /** Dimension names: `Pipeline` (state machine name), `Job` (job key), `Table` (`<db>.<table>`, lower case). */
  DIMENSIONS: CONTRACT.metrics.dimensions,
  /** Metric names: rows read, written, quarantined; files (one per run); duration (seconds). */
  NAMES: CONTRACT.metrics.names,
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
  /**
   * The trigger refused the Collect object (wrong folder depth, a name the catalog cannot hold, an
   * impossible partition date, an empty file; decision I11): no execution, `error_message` says why.
   * Final: nothing releases or updates it, and it never satisfies a dependency.
   */
  REJECTED: 'REJECTED',
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
  /** `s3://<bucket>/<key>` of a REJECTED object (only on rejection items: they have no `sfn_input`). */
  SOURCE_OBJECT: 'source_object',
} as const;

/** `dependency_key` of a job without dependencies: the string `'None'` (the GSI needs a value). */
export const NO_DEPENDENCY_KEY = 'None';

/** Environment variables of the three Lambda functions (§10). */
export const LambdaEnv = {
  DYNAMODB_TABLE_NAME: 'DYNAMODB_TABLE_NAME',
  SFN_STATE_MACHINE_ARN: 'SFN_STATE_MACHINE_ARN',
  GLUE_SCRIPTS_BUCKET_NAME: 'GLUE_SCRIPTS_BUCKET_NAME',
  /** The notification topic, where the trigger announces rejected objects (decision I11). */
  SNS_TOPIC_ARN: 'SNS_TOPIC_ARN',
} as const;

/** Per-workflow configuration files the trigger reads from the scripts bucket (§10.2), from the contract's layout. */
export const WorkflowConfig = {
  /** Key prefix (no leading slash) of the transformation specs. */
  SPEC_KEY_PREFIX: `${ConfigurationLayout.folders.transformation_spec}/`,
  /** `<DB>-entitymatch.json`: its presence (prefix match) switches entity match on. */
  entityMatchKey: (database: string) => fillTemplate(ConfigurationLayout.files.entity_match, { database }),
  /** `<DB>-<TBL>-dependent.json`: `{"depends_on": {"<db>/<tbl>": ...}, "lookback": {relativedelta args}}`. */
  dependentKey: (database: string, table: string) => fillTemplate(ConfigurationLayout.files.dependent, { database, table }),
} as const;

/** The SNS notification contract (§11). */
export const Notification = {
  /** Message attribute that carries the outcome; the dependency trigger's filter policy reads it. */
  STATUS_ATTRIBUTE: 'status',
  SUCCESS_SUBJECT: 'Job Completed',
  FAILURE_SUBJECT: 'Job Failed',
  /** Published by the trigger with `status=REJECTED` (decision I11); the dependency filter drops it. */
  REJECTED_SUBJECT: 'File Rejected',
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
