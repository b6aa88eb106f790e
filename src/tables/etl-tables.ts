import { Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { EtlTablesProps } from './etl-tables-props';
import { JobAuditIndex, PhysicalName, TableKey, TableSuffix } from '../contract';
import { LakeSettings, pinFeatureFlags, resolveLakeSettings } from '../lake-settings';

/**
 * The DynamoDB tables of the ETL: job audit (with its two indexes), value lookup, multi lookup,
 * hash values (customer-managed key), DQ results and, unless switched off, data lineage.
 *
 * Every table is on-demand, has point-in-time recovery on, and has deletion protection on
 * whenever its removal policy is `RETAIN`. Keys and index names are those of InsuranceLake, so
 * existing loaders and readers keep working.
 *
 * @example
 * const tables = new EtlTables(this, 'Tables', { encryptionKey: key });
 */
export class EtlTables extends Construct {
  /** Job audit: one item per pipeline execution (`execution_id`), written by the orchestration Lambdas. */
  public readonly jobAuditTable: dynamodb.ITable;
  /** Value lookup (`source_system`, `column_name`) for the `lookup` transform. */
  public readonly valueLookupTable: dynamodb.ITable;
  /** Multi-value lookup (`lookup_group`, `lookup_item`) for the `multilookup` transform. */
  public readonly multiLookupTable: dynamodb.ITable;
  /** Hash values (`hash_key`) written by the `tokenize` transform; encrypted with the customer-managed key. */
  public readonly hashValuesTable: dynamodb.ITable;
  /** Data-quality results (`execution_id`, `job_id_action_rule`). */
  public readonly dqResultsTable: dynamodb.ITable;
  /** Data lineage (`step_function_execution_id`, `job_id_operation_seq`), when lineage is on. */
  public readonly dataLineageTable?: dynamodb.ITable;
  /** The tables the Glue jobs read and write (all but job audit). */
  public readonly glueTables: dynamodb.ITable[];

  private readonly settings: LakeSettings;
  private readonly props: EtlTablesProps;

  constructor(scope: Construct, id: string, props: EtlTablesProps) {
    super(scope, id);
    pinFeatureFlags(this);
    this.settings = resolveLakeSettings(this, props);
    this.props = props;

    const audit = this.createTable('JobAuditTable', TableSuffix.JOB_AUDIT, TableKey.JOB_AUDIT.partitionKey);
    const gsi1 = JobAuditIndex.SOURCE_KEY_START_DATE;
    audit.addGlobalSecondaryIndex({
      indexName: gsi1.indexName,
      partitionKey: { name: gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: gsi1.sortKey, type: dynamodb.AttributeType.NUMBER },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...gsi1.nonKeyAttributes],
    });
    const gsi2 = JobAuditIndex.STATUS_DEPENDENCY;
    audit.addGlobalSecondaryIndex({
      indexName: gsi2.indexName,
      partitionKey: { name: gsi2.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: gsi2.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...gsi2.nonKeyAttributes],
    });
    this.jobAuditTable = audit;

    this.valueLookupTable = this.createTable('ValueLookupTable', TableSuffix.VALUE_LOOKUP,
      TableKey.VALUE_LOOKUP.partitionKey, TableKey.VALUE_LOOKUP.sortKey);
    this.multiLookupTable = this.createTable('MultiLookupTable', TableSuffix.MULTI_LOOKUP,
      TableKey.MULTI_LOOKUP.partitionKey, TableKey.MULTI_LOOKUP.sortKey);
    this.hashValuesTable = this.createTable('HashValuesTable', TableSuffix.HASH_VALUES,
      TableKey.HASH_VALUES.partitionKey, undefined, true);
    this.dqResultsTable = this.createTable('DqResultsTable', TableSuffix.DQ_RESULTS,
      TableKey.DQ_RESULTS.partitionKey, TableKey.DQ_RESULTS.sortKey);
    if (props.lineage ?? true) {
      this.dataLineageTable = this.createTable('DataLineageTable', TableSuffix.DATA_LINEAGE,
        TableKey.DATA_LINEAGE.partitionKey, TableKey.DATA_LINEAGE.sortKey);
    }
    this.glueTables = [this.hashValuesTable, this.valueLookupTable, this.multiLookupTable, this.dqResultsTable,
      ...(this.dataLineageTable ? [this.dataLineageTable] : [])];
  }

  private createTable(id: string, suffix: string, partitionKey: string, sortKey?: string, sensitive = false): dynamodb.Table {
    const s = this.settings;
    const cmk = sensitive || (this.props.encryptAllTables ?? false);
    const table = new dynamodb.Table(this, id, {
      tableName: PhysicalName.table(s.env, s.prefix, suffix),
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: sortKey ? { name: sortKey, type: dynamodb.AttributeType.STRING } : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: cmk ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.DEFAULT,
      encryptionKey: cmk ? this.props.encryptionKey : undefined,
      deletionProtection: !s.destroy,
      removalPolicy: s.removalPolicy,
    });
    const reason = 'Point-in-time recovery is on (35 days of continuous backups); an AWS Backup plan is an account-level choice that can select the exposed table.';
    Validations.of(table).acknowledge(
      { id: 'HIPAA.Security-DynamoDBInBackupPlan', reason },
      { id: 'NIST.800.53.R5-DynamoDBInBackupPlan', reason },
    );
    return table;
  }
}
