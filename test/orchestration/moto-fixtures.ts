// Test fixtures on the moto server started by test/setup/moto-server.ts (AWS_ENDPOINT_URL).
import { randomUUID } from 'crypto';
import {
  CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { JobAuditIndex, TableKey } from '../../src/contract';

export function endpoint(): string {
  const url = process.env.AWS_ENDPOINT_URL;
  if (!url || !/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
    throw new Error(`AWS_ENDPOINT_URL must point at the local moto server, got ${url}`);
  }
  return url;
}

export const dynamo = () => new DynamoDBClient({ endpoint: endpoint() });
export const s3 = () => new S3Client({ endpoint: endpoint(), forcePathStyle: true });
export const sfn = () => new SFNClient({ endpoint: endpoint() });
export const sns = () => new SNSClient({ endpoint: endpoint() });
export const sqs = () => new SQSClient({ endpoint: endpoint() });

/** A unique lower-case name for one test's resources. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** The job-audit table with the reference key and both GSIs (as EtlTables creates it). */
export async function createAuditTable(name: string): Promise<string> {
  const g1 = JobAuditIndex.SOURCE_KEY_START_DATE;
  const g2 = JobAuditIndex.STATUS_DEPENDENCY;
  await dynamo().send(new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: TableKey.JOB_AUDIT.partitionKey, AttributeType: 'S' },
      { AttributeName: g1.partitionKey, AttributeType: 'S' },
      { AttributeName: g1.sortKey, AttributeType: 'N' },
      { AttributeName: g2.partitionKey, AttributeType: 'S' },
      { AttributeName: g2.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: TableKey.JOB_AUDIT.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: g1.indexName,
        KeySchema: [{ AttributeName: g1.partitionKey, KeyType: 'HASH' }, { AttributeName: g1.sortKey, KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...g1.nonKeyAttributes] },
      },
      {
        IndexName: g2.indexName,
        KeySchema: [{ AttributeName: g2.partitionKey, KeyType: 'HASH' }, { AttributeName: g2.sortKey, KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...g2.nonKeyAttributes] },
      },
    ],
  }));
  return name;
}

export async function createBucket(name: string): Promise<string> {
  await s3().send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export async function putObject(bucket: string, key: string, body: string): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** A state machine in moto (its executions only record their input). */
export async function createStateMachine(name: string): Promise<string> {
  const res = await sfn().send(new CreateStateMachineCommand({
    name,
    roleArn: 'arn:aws:iam::123456789012:role/local-sfn-role',
    definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
  }));
  return res.stateMachineArn!;
}

export async function executions(stateMachineArn: string): Promise<Array<{ name: string; input: any }>> {
  const list = await sfn().send(new ListExecutionsCommand({ stateMachineArn }));
  const out: Array<{ name: string; input: any }> = [];
  for (const e of list.executions ?? []) {
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: e.executionArn! }));
    out.push({ name: e.name!, input: JSON.parse(d.input ?? '{}') });
  }
  return out;
}

/** Every audit item as plain values (S as string, N as number). */
export async function auditItems(table: string): Promise<Array<Record<string, string | number>>> {
  const res = await dynamo().send(new ScanCommand({ TableName: table }));
  return (res.Items ?? []).map(plain);
}

export function plain(item: Record<string, AttributeValue>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(item)) {
    out[k] = v.N !== undefined ? Number(v.N) : (v.S ?? JSON.stringify(v));
  }
  return out;
}

export async function putAuditItem(table: string, item: Record<string, string | number>): Promise<void> {
  const av: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) av[k] = typeof v === 'number' ? { N: String(v) } : { S: v };
  await dynamo().send(new PutItemCommand({ TableName: table, Item: av }));
}

/** An S3 ObjectCreated notification as S3 delivers it (the key URL-encoded by the caller). */
export function s3Event(bucket: string, encodedKey: string, eventTime: string) {
  return {
    Records: [{
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime,
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      requestParameters: { sourceIPAddress: '203.0.113.7' },
      responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'local',
        bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodedKey, size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
      },
    }],
  };
}

/** An SNS notification as Lambda receives it. */
export function snsEvent(message: unknown, subject: string, status: string, timestamp: string) {
  return {
    Records: [{
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:dev-insurancelake-etl-notification-topic:2bcfbf39',
      Sns: {
        Type: 'Notification',
        MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:dev-insurancelake-etl-notification-topic',
        Subject: subject,
        Message: JSON.stringify(message),
        Timestamp: timestamp,
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
        UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: { status: { Type: 'String', Value: status } },
      },
    }],
  };
}

/** An SNS topic in moto; returns its ARN. */
export async function createTopic(name: string): Promise<string> {
  const res = await sns().send(new CreateTopicCommand({ Name: name }));
  return res.TopicArn!;
}

/**
 * An SQS queue subscribed to the topic (with an optional SNS filter policy, as the dependency
 * trigger's subscription has); returns the queue URL. Deliveries keep the SNS envelope, so a test
 * reads what a Lambda subscriber would: Subject, Message and MessageAttributes.
 */
export async function subscribeQueue(topicArn: string, filterPolicy?: Record<string, unknown>): Promise<string> {
  const queueUrl = (await sqs().send(new CreateQueueCommand({ QueueName: unique('notifications') }))).QueueUrl!;
  const attributes = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await sns().send(new SubscribeCommand({
    TopicArn: topicArn,
    Protocol: 'sqs',
    Endpoint: attributes.Attributes!.QueueArn,
    Attributes: filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : undefined,
  }));
  return queueUrl;
}

/** One SNS notification as a subscriber receives it. */
export interface Notification {
  readonly subject: string | undefined;
  readonly message: any;
  /** Message attributes by name (their string values). */
  readonly attributes: Record<string, string>;
}

/** Every notification waiting in the queue (moto delivers SNS to SQS synchronously). */
export async function notifications(queueUrl: string): Promise<Notification[]> {
  const out: Notification[] = [];
  for (;;) {
    const res = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!res.Messages?.length) return out;
    for (const m of res.Messages) {
      const envelope = JSON.parse(m.Body!);
      out.push({
        subject: envelope.Subject,
        message: JSON.parse(envelope.Message),
        attributes: Object.fromEntries(Object.entries<any>(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
      });
    }
  }
}
