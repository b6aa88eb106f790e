// Decision I11: the bundled trigger (what deploys) rejects Collect objects the lake cannot load with a
// REJECTED audit item that says why, a "File Rejected" notification with status=REJECTED on the topic,
// and no execution. The notifications are read from SQS queues subscribed to the topic in moto: one
// unfiltered, one with the dependency trigger's filter policy, which must let none of them through.
import * as path from 'path';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  auditItems, createAuditTable, createBucket, createStateMachine, createTopic, executions, notifications, s3Event, sns,
  subscribeQueue, unique,
} from './moto-fixtures';
import { AuditStatus, LambdaEnv, Notification } from '../../src/contract';
import type { handler as TriggerHandler } from '../../src/orchestration/lambda/trigger.lambda';

// Moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

const COLLECT = 'dev-insurancelake-123456789012-us-east-1-collect';
const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'lambda', 'orchestration', 'lambda', 'trigger.lambda', 'index.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handler: typeof TriggerHandler = require(BUNDLE).handler;

const LAYOUT = /expected <Database>\/<Table>\[\/<year>\[\/<month>\[\/<day>\]\]\]\/<file>/;
const ALLOWED = /database and table folders may hold only the letters A-Z and a-z, the digits 0-9 and _, and must not start with a digit \(upper case is fine: names are stored in lower case\)/;

let table: string;
let machine: string;
let topic: string;
let everything: string;
let dependants: string;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  table = await createAuditTable(unique('audit'));
  machine = await createStateMachine(unique('sm'));
  topic = await createTopic(unique('topic'));
  process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = table;
  process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = await createBucket(unique('scripts'));
  process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = machine;
  process.env[LambdaEnv.SNS_TOPIC_ARN] = topic;
  everything = await subscribeQueue(topic);
  // The dependency trigger's subscription filter, as EtlOrchestration sets it.
  dependants = await subscribeQueue(topic, { [Notification.STATUS_ATTRIBUTE]: [AuditStatus.SUCCEEDED] });
});

test('control: the queue with the dependency filter receives SUCCEEDED notifications', async () => {
  await sns().send(new PublishCommand({
    TopicArn: topic,
    Subject: 'Job Completed',
    Message: JSON.stringify({ source_key: 'Sales/Policies' }),
    MessageAttributes: { [Notification.STATUS_ATTRIBUTE]: { DataType: 'String', StringValue: AuditStatus.SUCCEEDED } },
  }));
  expect((await notifications(dependants)).map((n) => n.attributes)).toEqual([{ status: 'SUCCEEDED' }]);
  expect(await notifications(everything)).toHaveLength(1);
});

let second = 0;
/** A distinct event time per call, so that no two events are duplicates of each other. */
const nextTime = () => `2023-03-30T10:00:${String(second++).padStart(2, '0')}.000Z`;

/**
 * Sends the event and checks everything a rejection must produce; returns the error message.
 * `key` is encoded as S3 sends it, `decoded` as the message names it.
 */
async function expectRejected(key: string, decoded: string, reasons: RegExp[], options: { size?: number; sourceKey?: string } = {}): Promise<string> {
  const executionsBefore = (await executions(machine)).length;
  const event = s3Event(COLLECT, key, nextTime());
  (event.Records[0].s3.object as { size: number }).size = options.size ?? 1024;
  const result = await handler(event);

  // A name-based (version 5) UUID: the same S3 event always names the same item.
  expect(result).toMatchObject({
    statusCode: 400,
    status: AuditStatus.REJECTED,
    executionId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  });
  const item = (await auditItems(table)).find((i) => i.execution_id === result.executionId);
  expect(item).toEqual({
    execution_id: result.executionId,
    ...(options.sourceKey !== undefined ? { source_key: options.sourceKey } : {}),
    source_object: `s3://${COLLECT}/${decoded}`,
    job_latest_status: 'REJECTED',
    error_message: expect.stringMatching(new RegExp(`^Rejected Collect object "${decoded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": `)),
    job_start_date: expect.stringMatching(/^2023-03-30 10:00:\d{2}\.000000$/),
    job_start_date_int: expect.any(Number),
    job_last_updated_timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/),
    principal_id: 'AWS:AIDAEXAMPLE',
    source_ipaddress: '203.0.113.7',
    dependency_key: 'None',
  });
  const message = String(item!.error_message);
  for (const reason of reasons) expect(message).toMatch(reason);
  expect(result.body).toBe(message);

  expect(await notifications(everything)).toEqual([{
    subject: 'File Rejected',
    attributes: { status: 'REJECTED' },
    message: {
      execution_id: result.executionId,
      job_latest_status: 'REJECTED',
      error_message: message,
      source_object: `s3://${COLLECT}/${decoded}`,
      source_bucketname: COLLECT,
      ...(options.sourceKey !== undefined ? { source_key: options.sourceKey } : {}),
      job_start_date: item!.job_start_date,
    },
  }]);
  expect(await notifications(dependants)).toEqual([]);
  expect(await executions(machine)).toHaveLength(executionsBefore);
  return message;
}

describe('wrong depth: the message states the expected layout', () => {
  test('a file at the top of the bucket', async () => {
    await expectRejected('f.csv', 'f.csv', [/it is at the top of the bucket, in no folder/, LAYOUT]);
  });

  test('a file in one folder', async () => {
    await expectRejected('Db/f.csv', 'Db/f.csv', [/it is in one folder \("Db"\) instead of a database and a table folder/, LAYOUT]);
  });

  test('an encoded slash that leaves one folder', async () => {
    await expectRejected('Sales%2Fpolicies.csv', 'Sales/policies.csv', [/one folder \("Sales"\)/, LAYOUT]);
  });

  test('an empty database folder (a key starting with "/")', async () => {
    await expectRejected('%2FPolicies/file.csv', '/Policies/file.csv', [/its database folder is empty \(the key starts with "\/"\)/, LAYOUT]);
  });

  test('an empty table folder ("//")', async () => {
    await expectRejected('Db//Tbl/f.csv', 'Db//Tbl/f.csv', [/its table folder is empty/, LAYOUT]);
  });
});

describe('impossible partition dates: the message names the folder and what it expects', () => {
  test('month 13 and day 45', async () => {
    const message = await expectRejected('Sales/Policies/2024/13/45/f.csv', 'Sales/Policies/2024/13/45/f.csv', [
      /month folder "13" is not a month: expected two digits from 01 to 12/,
      /day folder "45" is not a day: expected two digits from 01 to 31/,
    ], { sourceKey: 'Sales/Policies' });
    expect(message).not.toMatch(/year folder/);
  });

  test('a year that is not a number', async () => {
    await expectRejected('Sales/Policies/20x4/f.csv', 'Sales/Policies/20x4/f.csv',
      [/year folder "20x4" is not a year: expected four digits such as 2024/], { sourceKey: 'Sales/Policies' });
  });

  test('30 February', async () => {
    await expectRejected('Sales/Policies/2023/02/30/f.csv', 'Sales/Policies/2023/02/30/f.csv',
      [/day folder "30" does not exist in 2023-02, which has 28 days/], { sourceKey: 'Sales/Policies' });
  });

  test('29 February of a year that is not a leap year', async () => {
    await expectRejected('Sales/Policies/1900/02/29/f.csv', 'Sales/Policies/1900/02/29/f.csv',
      [/day folder "29" does not exist in 1900-02, which has 28 days/], { sourceKey: 'Sales/Policies' });
  });

  test('a one-digit month (6 and 06 would be two partitions)', async () => {
    await expectRejected('Sales/Policies/2024/6/f.csv', 'Sales/Policies/2024/6/f.csv',
      [/month folder "6" is not a month: expected two digits from 01 to 12/], { sourceKey: 'Sales/Policies' });
  });

  test('a month folder whose month has no day of the upload date (uploaded on the 30th)', async () => {
    await expectRejected('Sales/Policies/2024/02/f.csv', 'Sales/Policies/2024/02/f.csv',
      [/2024-02-30 does not exist: with only the year folder "2024" and month folder "02", the day comes from the upload date; add a day folder/],
      { sourceKey: 'Sales/Policies' });
  });
});

describe('names the Glue catalog cannot hold: the message says which characters are allowed', () => {
  test.each([
    ['Sales+Data/Policies/f.csv', 'Sales Data/Policies/f.csv', /database folder "Sales Data" is not a valid catalog name: it contains space/],
    ['Sales/Policy%2BTable/f.csv', 'Sales/Policy+Table/f.csv', /table folder "Policy\+Table" is not a valid catalog name: it contains "\+"/],
    ['Sales/Policy%23Table/f.csv', 'Sales/Policy#Table/f.csv', /table folder "Policy#Table" is not a valid catalog name: it contains "#"/],
    ['Sales/%C3%9Cbersicht/daten.csv', 'Sales/Übersicht/daten.csv', /table folder "Übersicht" is not a valid catalog name: it contains "Ü" \(U\+00DC\)/],
    ['Sales-Data/Policies/f.csv', 'Sales-Data/Policies/f.csv', /database folder "Sales-Data" is not a valid catalog name: it contains "-"/],
    ['2024/Policies/f.csv', '2024/Policies/f.csv', /database folder "2024" is not a valid catalog name: it starts with a digit, which Spark SQL reads as a number/],
  ])('%s', async (key, decoded, reason) => {
    const [db, tbl] = decoded.split('/');
    await expectRejected(key, decoded, [reason, ALLOWED], { sourceKey: `${db}/${tbl}` });
  });

  test('a database folder longer than 247 characters (its <db>_consume must fit 255)', async () => {
    const db = 'D'.repeat(248);
    const message = await expectRejected(`${db}/Policies/f.csv`, `${db}/Policies/f.csv`,
      [/database folder "D{20}…" is 248 characters long; at most 247 are allowed, because its Consume database <name>_consume must fit Glue's limit of 255/],
      { sourceKey: `${db}/Policies` });
    expect(message).not.toMatch(ALLOWED);
  });

  test('a table folder longer than 227 characters (its quarantine table must fit 255)', async () => {
    const tbl = 'T'.repeat(228);
    await expectRejected(`Sales/${tbl}/f.csv`, `Sales/${tbl}/f.csv`,
      [/table folder "T{20}…" is 228 characters long; at most 227 are allowed, because its quarantine table <name>_quarantine_before_transform must fit/],
      { sourceKey: `Sales/${tbl}` });
  });

  test('the longest allowed names start the workflow', async () => {
    const result = await handler(s3Event(COLLECT, `${'D'.repeat(247)}/${'T'.repeat(227)}/f.csv`, nextTime()));
    expect(result).toMatchObject({ statusCode: 200, status: AuditStatus.STARTED });
    expect(await notifications(everything)).toEqual([]);
  });

  test('every problem of a key is reported at once, and the allowed characters once', async () => {
    const message = await expectRejected('Sales+Data/Policy%23/2024/13/f.csv', 'Sales Data/Policy#/2024/13/f.csv', [
      /database folder "Sales Data" .* it contains space/,
      /table folder "Policy#" .* it contains "#"/,
      /month folder "13" is not a month/,
      ALLOWED,
    ], { sourceKey: 'Sales Data/Policy#' });
    expect(message.match(/may hold only/g)).toHaveLength(1);
  });
});

describe('empty objects and folder markers', () => {
  test('a zero-byte file is rejected as an empty file', async () => {
    await expectRejected('Sales/Policies/f.csv', 'Sales/Policies/f.csv',
      [/: the file is empty \(0 bytes\): there is nothing to load$/], { size: 0, sourceKey: 'Sales/Policies' });
  });

  test('a folder marker (key ending in "/") is ignored: no item, no notification, no execution', async () => {
    const itemsBefore = (await auditItems(table)).length;
    const event = s3Event(COLLECT, 'Sales/Policies/2024/', nextTime());
    (event.Records[0].s3.object as { size: number }).size = 0;
    const result = await handler(event);
    expect(result).toEqual({ statusCode: 400, body: 'Received PutObject for folder Sales/Policies/2024/; ignored' });
    expect(await auditItems(table)).toHaveLength(itemsBefore);
    expect(await notifications(everything)).toEqual([]);
  });
});

test('a duplicate delivery of a rejected event writes no second item and publishes nothing more', async () => {
  const event = s3Event(COLLECT, 'Db/dup.csv', nextTime());
  const first = await handler(event);
  const again = await handler(event);
  expect(first.status).toBe(AuditStatus.REJECTED);
  expect(again).toEqual({ statusCode: 400, body: first.body });
  expect((await auditItems(table)).filter((i) => i.source_object === `s3://${COLLECT}/Db/dup.csv`)).toHaveLength(1);
  expect(await notifications(everything)).toHaveLength(1);
});
