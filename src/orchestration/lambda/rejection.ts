// A Collect object the lake cannot load (decision I11): one REJECTED audit item carrying the reason
// in `error_message`, and one "File Rejected" notification with the message attribute
// `status=REJECTED`, which the dependency trigger's filter ({status: [SUCCEEDED]}) never lets through.
//
// Idempotent like the trigger's executions: the item's execution_id is named by the S3 event, so a
// duplicate delivery finds the item and publishes nothing more. The notification goes out before the
// item is written (as StartExecution goes before the audit item), so a failure in between leads to a
// retry that notifies again rather than to an item nobody was told about.
import { createHash } from 'crypto';
import { AttributeValue, ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { dynamoClient, log, snsClient } from './clients';
import { epochSeconds, formatAuditTimestamp, formatCompact, fromDate, UtcInstant } from './time';
import { AuditAttr, AuditStatus, ExecutionInput, NO_DEPENDENCY_KEY, Notification, TableKey } from '../../contract';

/** The S3 event of a rejected object and where to record it. */
export interface Rejection {
  readonly auditTable: string;
  readonly topicArn: string;
  readonly bucket: string;
  /** The decoded object key. */
  readonly key: string;
  /** `<database>/<table>` when the key has both folders (even if their names are what is wrong). */
  readonly sourceKey?: string;
  readonly eventTime: UtcInstant;
  readonly principalId: string;
  readonly sourceIp: string;
  /** Every reason, in the order found. */
  readonly problems: readonly string[];
}

/** What was recorded. */
export interface RejectionOutcome {
  readonly executionId: string;
  readonly errorMessage: string;
  /** True when an earlier delivery of the same event recorded it: nothing was published. */
  readonly duplicate: boolean;
}

// RFC 4122 name-based UUIDs of rejected objects live in this namespace (a fixed random UUID).
const REJECTION_NAMESPACE = Buffer.from('6f1d3c52a8e94b0f9c1e27d4b5a08e63', 'hex');

/** A version-5 UUID named by the bucket, key and event time: one per S3 event. */
export function rejectionId(bucket: string, key: string, eventTime: UtcInstant): string {
  const hex = createHash('sha1').update(REJECTION_NAMESPACE).update(`${bucket}\n${key}\n${formatCompact(eventTime)}`).digest('hex');
  // Version nibble 5; variant bits 10xx in the first nibble of the fourth group.
  const variant = (8 + (parseInt(hex[16], 16) % 4)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The `error_message` of a rejected object: the key and every reason. */
export function rejectionMessage(key: string, problems: readonly string[]): string {
  return `Rejected Collect object "${key}": ${problems.join('; ')}`;
}

/** Records the rejection: the notification, then the audit item (both skipped for a duplicate event). */
export async function reject(r: Rejection): Promise<RejectionOutcome> {
  const executionId = rejectionId(r.bucket, r.key, r.eventTime);
  const errorMessage = rejectionMessage(r.key, r.problems);
  const idKey = { [TableKey.JOB_AUDIT.partitionKey]: { S: executionId } };
  const existing = await dynamoClient().send(new GetItemCommand({ TableName: r.auditTable, Key: idKey, ConsistentRead: true }));
  if (existing.Item) {
    log('INFO', `Duplicate event for ${r.key}: already rejected; nothing published`, { execution_id: executionId });
    return { executionId, errorMessage, duplicate: true };
  }

  const sourceObject = `s3://${r.bucket}/${r.key}`;
  const startDate = formatAuditTimestamp(r.eventTime);
  await snsClient().send(new PublishCommand({
    TopicArn: r.topicArn,
    Subject: Notification.REJECTED_SUBJECT,
    Message: JSON.stringify({
      [ExecutionInput.EXECUTION_ID]: executionId,
      [AuditAttr.JOB_LATEST_STATUS]: AuditStatus.REJECTED,
      [AuditAttr.ERROR_MESSAGE]: errorMessage,
      [AuditAttr.SOURCE_OBJECT]: sourceObject,
      [ExecutionInput.SOURCE_BUCKETNAME]: r.bucket,
      ...(r.sourceKey !== undefined ? { [ExecutionInput.SOURCE_KEY]: r.sourceKey } : {}),
      [AuditAttr.JOB_START_DATE]: startDate,
    }),
    MessageAttributes: { [Notification.STATUS_ATTRIBUTE]: { DataType: 'String', StringValue: AuditStatus.REJECTED } },
  }));

  const item: Record<string, AttributeValue> = {
    [AuditAttr.EXECUTION_ID]: { S: executionId },
    ...(r.sourceKey !== undefined ? { [AuditAttr.SOURCE_KEY]: { S: r.sourceKey } } : {}),
    [AuditAttr.SOURCE_OBJECT]: { S: sourceObject },
    [AuditAttr.JOB_LATEST_STATUS]: { S: AuditStatus.REJECTED },
    [AuditAttr.ERROR_MESSAGE]: { S: errorMessage },
    [AuditAttr.JOB_START_DATE]: { S: startDate },
    [AuditAttr.JOB_START_DATE_INT]: { N: String(epochSeconds(r.eventTime)) },
    [AuditAttr.JOB_LAST_UPDATED_TIMESTAMP]: { S: formatAuditTimestamp(fromDate(new Date())) },
    [AuditAttr.PRINCIPAL_ID]: { S: r.principalId },
    [AuditAttr.SOURCE_IPADDRESS]: { S: r.sourceIp },
    // On the status index (partition REJECTED), so that every rejection can be listed with one query.
    [AuditAttr.DEPENDENCY_KEY]: { S: NO_DEPENDENCY_KEY },
  };
  try {
    await dynamoClient().send(new PutItemCommand({
      TableName: r.auditTable,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': AuditAttr.EXECUTION_ID },
    }));
  } catch (e) {
    // A concurrent duplicate delivery wrote the same item first.
    if (!(e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException')) throw e;
  }
  log('WARN', errorMessage, { execution_id: executionId, status: AuditStatus.REJECTED, source_object: sourceObject });
  return { executionId, errorMessage, duplicate: false };
}
