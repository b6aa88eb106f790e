// Trigger: an S3 ObjectCreated event in Collect starts (or queues) one workflow execution and writes
// its audit item (infrastructure.md §10.2, etl-behaviour.md §4.1). An object the lake cannot load is
// rejected at the door instead: a REJECTED audit item and a notification (decision I11).
//
// Idempotent by execution name: the name is derived from the file name and the S3 event time, so a
// duplicate delivery of the same event maps to the same name and starts nothing new (a started
// execution is found with DescribeExecution, a queued one on the audit table's status index).
import { randomUUID } from 'crypto';
import { ConditionalCheckFailedException, PutItemCommand, QueryCommand, AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { dynamoClient, log, requiredEnv, s3Client, sfnClient } from './clients';
import { executionName, parseCollectKey, unquotePlus } from './collect-key';
import { reject } from './rejection';
import { parseRelativeDelta, RelativeDelta, subtractRelativeDelta } from './relative-delta';
import { epochSeconds, formatAuditTimestamp, formatCompact, fromDate, parseUtc, partitionDefaults } from './time';
import { AuditAttr, AuditStatus, ExecutionInput, JobAuditIndex, LambdaEnv, NO_DEPENDENCY_KEY, WorkflowConfig } from '../../contract';

/** The part of an S3 event notification the trigger reads (`Records[0]` only, as the reference). */
export interface S3EventLike {
  readonly Records: ReadonlyArray<{
    readonly eventTime: string;
    readonly userIdentity?: { readonly principalId?: string };
    readonly requestParameters?: { readonly sourceIPAddress?: string };
    readonly s3: {
      readonly bucket: { readonly name: string };
      /** `size` in bytes, which S3 sends with every ObjectCreated event; 0 is an empty file. */
      readonly object: { readonly key: string; readonly size?: number };
    };
  }>;
}

/** What the handler returns (informational: S3 invokes asynchronously). */
export interface TriggerResult {
  readonly statusCode: number;
  readonly body: string;
  /** The status of the audit item written (STARTED, QUEUED or REJECTED); absent when none was written. */
  readonly status?: string;
  /** The `execution_id` of that audit item. */
  readonly executionId?: string;
}

/** The problem of a zero-byte object (folder markers, also zero bytes, are ignored before this). */
export const EMPTY_FILE = 'the file is empty (0 bytes): there is nothing to load';

interface Dependencies {
  readonly dependsOn: string[];
  readonly lookback?: RelativeDelta;
}

/** Reads `<DB>-<TBL>-dependent.json`; a missing file means no dependencies. */
async function readDependencies(bucket: string, database: string, table: string): Promise<Dependencies> {
  const key = WorkflowConfig.dependentKey(database, table);
  let text: string;
  try {
    const res = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = await res.Body!.transformToString('utf-8');
  } catch (e) {
    if (e instanceof NoSuchKey || (e as Error).name === 'NoSuchKey') return { dependsOn: [] };
    throw e;
  }
  const where = `s3://${bucket}/${key}`;
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const dependsOn = doc?.depends_on;
  if (dependsOn !== undefined && (dependsOn === null || typeof dependsOn !== 'object' || Array.isArray(dependsOn))) {
    throw new Error(`${where}: "depends_on" must be an object whose keys are <database>/<table> source keys`);
  }
  return {
    dependsOn: Object.keys(dependsOn ?? {}),
    lookback: doc?.lookback !== undefined ? parseRelativeDelta(doc.lookback, where) : undefined,
  };
}

/** True when the first dependency succeeded after `now - lookback` (GSI1, status filter, COUNT). */
async function dependencySatisfied(table: string, sourceKey: string, lookback: RelativeDelta): Promise<boolean> {
  const sinceSeconds = Math.floor(subtractRelativeDelta(Date.now() * 1000, lookback) / 1e6);
  const index = JobAuditIndex.SOURCE_KEY_START_DATE;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await dynamoClient().send(new QueryCommand({
      TableName: table,
      IndexName: index.indexName,
      Select: 'COUNT',
      KeyConditionExpression: '#k = :k AND #t > :t',
      FilterExpression: '#s = :s',
      ExpressionAttributeNames: { '#k': index.partitionKey, '#t': index.sortKey, '#s': AuditAttr.JOB_LATEST_STATUS },
      ExpressionAttributeValues: { ':k': { S: sourceKey }, ':t': { N: String(sinceSeconds) }, ':s': { S: AuditStatus.SUCCEEDED } },
      ExclusiveStartKey: start,
    }));
    if ((res.Count ?? 0) > 0) return true;
    start = res.LastEvaluatedKey;
  } while (start);
  return false;
}

/** True when a QUEUED audit item with this execution name already waits on the dependency. */
async function alreadyQueued(table: string, dependencyKey: string, name: string): Promise<boolean> {
  const index = JobAuditIndex.STATUS_DEPENDENCY;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await dynamoClient().send(new QueryCommand({
      TableName: table,
      IndexName: index.indexName,
      Select: 'COUNT',
      KeyConditionExpression: '#s = :s AND #d = :d',
      FilterExpression: '#n = :n',
      ExpressionAttributeNames: { '#s': index.partitionKey, '#d': index.sortKey, '#n': AuditAttr.SFN_EXECUTION_NAME },
      ExpressionAttributeValues: { ':s': { S: AuditStatus.QUEUED }, ':d': { S: dependencyKey }, ':n': { S: name } },
      ExclusiveStartKey: start,
    }));
    if ((res.Count ?? 0) > 0) return true;
    start = res.LastEvaluatedKey;
  } while (start);
  return false;
}

/** The execution ARN of a named execution of a standard state machine. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The input of an existing execution with this name, or undefined when there is none. */
async function existingExecutionInput(stateMachineArn: string, name: string): Promise<string | undefined> {
  try {
    const res = await sfnClient().send(new DescribeExecutionCommand({ executionArn: executionArn(stateMachineArn, name) }));
    return res.input ?? '{}';
  } catch (e) {
    if (e instanceof ExecutionDoesNotExist || (e as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw e;
  }
}

/**
 * Writes the audit item of a duplicate whose first delivery started the execution but did not get to
 * write its item; an existing item is left as it is.
 */
async function restoreAuditItem(table: string, item: Record<string, AttributeValue>, input: string): Promise<void> {
  let executionId: unknown;
  try {
    executionId = JSON.parse(input)[ExecutionInput.EXECUTION_ID];
  } catch {
    executionId = undefined;
  }
  if (typeof executionId !== 'string' || !executionId) return;
  try {
    await dynamoClient().send(new PutItemCommand({
      TableName: table,
      Item: { ...item, [AuditAttr.EXECUTION_ID]: { S: executionId }, [AuditAttr.SFN_INPUT]: { S: input } },
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': AuditAttr.EXECUTION_ID },
    }));
    log('WARN', 'restored the missing audit item of an execution started by an earlier delivery', { execution_id: executionId });
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException')) throw e;
  }
}

/** Lambda entry point. */
export async function handler(event: S3EventLike): Promise<TriggerResult> {
  const auditTable = requiredEnv(LambdaEnv.DYNAMODB_TABLE_NAME);
  const stateMachineArn = requiredEnv(LambdaEnv.SFN_STATE_MACHINE_ARN);
  const scriptsBucket = requiredEnv(LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME);
  const topicArn = requiredEnv(LambdaEnv.SNS_TOPIC_ARN);

  const record = event.Records[0];
  const bucket = record.s3.bucket.name;
  const key = unquotePlus(record.s3.object.key);
  const eventTime = parseUtc(record.eventTime);
  const principalId = record.userIdentity?.principalId ?? '';
  const sourceIp = record.requestParameters?.sourceIPAddress ?? '';

  const parsed = parseCollectKey(key, partitionDefaults(eventTime));
  if (parsed.kind === 'folder') {
    log('INFO', parsed.reason, { bucket, key });
    return { statusCode: 400, body: parsed.reason };
  }
  const empty = record.s3.object.size === 0;
  if (parsed.kind === 'rejected' || empty) {
    const rejection = await reject({
      auditTable,
      topicArn,
      bucket,
      key,
      eventTime,
      principalId,
      sourceIp,
      sourceKey: parsed.kind === 'rejected' ? parsed.sourceKey : `${parsed.object.database}/${parsed.object.table}`,
      problems: [...(parsed.kind === 'rejected' ? parsed.problems : []), ...(empty ? [EMPTY_FILE] : [])],
    });
    return {
      statusCode: 400,
      body: rejection.errorMessage,
      ...(rejection.duplicate ? {} : { status: AuditStatus.REJECTED, executionId: rejection.executionId }),
    };
  }
  const obj = parsed.object;
  const { year: pYear, month: pMonth, day: pDay } = obj.partition;
  const sourceKey = `${obj.database}/${obj.table}`;
  log('INFO', 'received object', { bucket, key, source_key: sourceKey, partition: `${pYear}-${pMonth}-${pDay}` });

  const entityMatchList = await s3Client().send(new ListObjectsV2Command({
    Bucket: scriptsBucket,
    Prefix: WorkflowConfig.entityMatchKey(obj.database),
  }));
  const entityMatch = (entityMatchList.Contents?.length ?? 0) > 0;

  const deps = await readDependencies(scriptsBucket, obj.database, obj.table);
  const dependencyKey = deps.dependsOn[0] ?? NO_DEPENDENCY_KEY;
  let queue = deps.dependsOn.length > 0;
  if (queue && deps.lookback) {
    queue = !(await dependencySatisfied(auditTable, dependencyKey, deps.lookback));
  }

  const name = executionName(obj.baseFileName, formatCompact(eventTime));
  const executionId = randomUUID();
  const input = JSON.stringify({
    [ExecutionInput.TARGET_DATABASE_NAME]: obj.database,
    [ExecutionInput.SOURCE_BUCKETNAME]: bucket,
    [ExecutionInput.SOURCE_KEY]: sourceKey,
    [ExecutionInput.SOURCE_PATH]: obj.sourcePath,
    [ExecutionInput.BASE_FILE_NAME]: obj.baseFileName,
    [ExecutionInput.P_YEAR]: pYear,
    [ExecutionInput.P_MONTH]: pMonth,
    [ExecutionInput.P_DAY]: pDay,
    [ExecutionInput.TABLE_NAME]: obj.table,
    [ExecutionInput.EXECUTION_ID]: executionId,
    [ExecutionInput.ENTITY_MATCH]: entityMatch,
  });
  const status = queue ? AuditStatus.QUEUED : AuditStatus.STARTED;
  const item: Record<string, AttributeValue> = {
    [AuditAttr.EXECUTION_ID]: { S: executionId },
    [AuditAttr.SFN_EXECUTION_NAME]: { S: name },
    [AuditAttr.SFN_ARN]: { S: stateMachineArn },
    [AuditAttr.SFN_INPUT]: { S: input },
    [AuditAttr.SOURCE_KEY]: { S: sourceKey },
    [AuditAttr.JOB_LATEST_STATUS]: { S: status },
    [AuditAttr.JOB_START_DATE]: { S: formatAuditTimestamp(eventTime) },
    [AuditAttr.JOB_START_DATE_INT]: { N: String(epochSeconds(eventTime)) },
    [AuditAttr.JOB_LAST_UPDATED_TIMESTAMP]: { S: formatAuditTimestamp(fromDate(new Date())) },
    [AuditAttr.PRINCIPAL_ID]: { S: principalId },
    [AuditAttr.SOURCE_IPADDRESS]: { S: sourceIp },
    [AuditAttr.DEPENDENCY_KEY]: { S: dependencyKey },
  };

  // Duplicate delivery: the same event gives the same execution name.
  const previousInput = await existingExecutionInput(stateMachineArn, name);
  if (previousInput !== undefined) {
    await restoreAuditItem(auditTable, item, previousInput);
    const body = `Duplicate event for ${key}: execution ${name} already exists; nothing started`;
    log('INFO', body, { execution_name: name });
    return { statusCode: 200, body };
  }
  if (queue && await alreadyQueued(auditTable, dependencyKey, name)) {
    const body = `Duplicate event for ${key}: execution ${name} is already queued on ${dependencyKey}; nothing queued`;
    log('INFO', body, { execution_name: name });
    return { statusCode: 200, body };
  }

  if (!queue) {
    try {
      await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name, input }));
    } catch (e) {
      if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') {
        // A concurrent duplicate won the race between DescribeExecution and StartExecution.
        const body = `Duplicate event for ${key}: execution ${name} already exists; nothing started`;
        log('INFO', body, { execution_name: name });
        return { statusCode: 200, body };
      }
      throw e;
    }
  }
  // Written after StartExecution, as the reference does.
  await dynamoClient().send(new PutItemCommand({ TableName: auditTable, Item: item }));
  const body = queue
    ? `Queued ${name} (execution_id ${executionId}) until ${dependencyKey} succeeds`
    : `Started ${name} (execution_id ${executionId})`;
  log('INFO', body, { execution_id: executionId, execution_name: name, status, entity_match: entityMatch });
  return { statusCode: 200, body, status, executionId };
}
