// Dependency trigger: subscribed to the notification topic with the filter {status: [SUCCEEDED]}.
// A succeeded workflow releases every job QUEUED on its source key (infrastructure.md §10.4).
// Any other status that still reaches it (a subscription without the filter) releases nothing: a
// failed run or a rejected file (decision I11) must never start its dependants.
import { AttributeValue, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { dynamoClient, log, requiredEnv, sfnClient } from './clients';
import { formatAuditTimestamp, parseUtc } from './time';
import { AuditAttr, AuditStatus, ExecutionInput, JobAuditIndex, LambdaEnv, Notification } from '../../contract';

/** The part of an SNS event the handler reads (`Records[0].Sns`). */
export interface SnsEventLike {
  readonly Records: ReadonlyArray<{
    readonly Sns: {
      readonly Subject?: string | null;
      readonly Message: string;
      readonly Timestamp: string;
      readonly MessageAttributes?: { readonly [name: string]: { readonly Type?: string; readonly Value?: string } };
    };
  }>;
}

/** What the handler returns (informational). */
export interface DependencyTriggerResult {
  readonly statusCode: number;
  readonly body: string;
  /** Execution names started by this notification. */
  readonly started: string[];
}

/** Lambda entry point. */
export async function handler(event: SnsEventLike): Promise<DependencyTriggerResult> {
  const table = requiredEnv(LambdaEnv.DYNAMODB_TABLE_NAME);
  const stateMachineArn = requiredEnv(LambdaEnv.SFN_STATE_MACHINE_ARN);
  const sns = event.Records[0].Sns;
  const status = sns.MessageAttributes?.[Notification.STATUS_ATTRIBUTE]?.Value;
  if (status !== undefined && status !== AuditStatus.SUCCEEDED) {
    const body = `Ignored "${sns.Subject ?? ''}" notification with ${Notification.STATUS_ATTRIBUTE} ${status}: only ${AuditStatus.SUCCEEDED} releases queued jobs`;
    log('INFO', body);
    return { statusCode: 400, body, started: [] };
  }
  const message = JSON.parse(sns.Message);
  const sourceKey = message?.[ExecutionInput.SOURCE_KEY];
  if (typeof sourceKey !== 'string' || !sourceKey) {
    throw new Error(`notification "${sns.Subject ?? ''}" has no ${ExecutionInput.SOURCE_KEY} in its message`);
  }
  const timestamp = formatAuditTimestamp(parseUtc(sns.Timestamp));
  const index = JobAuditIndex.STATUS_DEPENDENCY;

  const queued: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await dynamoClient().send(new QueryCommand({
      TableName: table,
      IndexName: index.indexName,
      KeyConditionExpression: '#s = :s AND #d = :d',
      ExpressionAttributeNames: { '#s': index.partitionKey, '#d': index.sortKey },
      ExpressionAttributeValues: { ':s': { S: AuditStatus.QUEUED }, ':d': { S: sourceKey } },
      ExclusiveStartKey: start,
    }));
    queued.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);

  if (queued.length === 0) {
    const body = `No jobs queued on ${sourceKey}`;
    log('INFO', body, { subject: sns.Subject });
    return { statusCode: 400, body, started: [] };
  }

  const started: string[] = [];
  for (const item of queued) {
    const executionId = item[AuditAttr.EXECUTION_ID].S!;
    const name = item[AuditAttr.SFN_EXECUTION_NAME].S!;
    const input = item[AuditAttr.SFN_INPUT].S!;
    await dynamoClient().send(new UpdateItemCommand({
      TableName: table,
      Key: { [AuditAttr.EXECUTION_ID]: { S: executionId } },
      UpdateExpression: 'SET #s = :s, #t = :t',
      ExpressionAttributeNames: { '#s': AuditAttr.JOB_LATEST_STATUS, '#t': AuditAttr.JOB_LAST_UPDATED_TIMESTAMP },
      ExpressionAttributeValues: { ':s': { S: AuditStatus.STARTED }, ':t': { S: timestamp } },
    }));
    try {
      await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name, input }));
      started.push(name);
      log('INFO', `Started queued ${name} after ${sourceKey} succeeded`, { execution_id: executionId });
    } catch (e) {
      if (e instanceof ExecutionAlreadyExists || (e as Error).name === 'ExecutionAlreadyExists') {
        log('WARN', `Queued ${name} was already started; not started again`, { execution_id: executionId });
        continue;
      }
      throw e;
    }
  }
  return { statusCode: 200, body: `Started ${started.length} of ${queued.length} jobs queued on ${sourceKey}`, started };
}
