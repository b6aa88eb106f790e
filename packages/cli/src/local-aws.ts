import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, CreateTableCommandInput, DynamoDBClient, QueryCommand, AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LOCAL_PSEUDO, LocalLake, LocalTable } from './local-lake';

/** AWS SDK clients pointed at the local moto server. */
export class LocalAws {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly sfn: SFNClient;
  readonly sns: SNSClient;

  constructor(endpoint: string) {
    const common = { endpoint, region: LOCAL_PSEUDO.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    this.s3 = new S3Client({ ...common, forcePathStyle: true });
    this.dynamodb = new DynamoDBClient(common);
    this.sfn = new SFNClient(common);
    this.sns = new SNSClient(common);
  }

  /**
   * Create in moto what the pipeline's Lambdas and jobs call: the buckets, every DynamoDB table as
   * the template defines it (keys, GSIs), the SNS topic and the state machine (so that the trigger's
   * StartExecution and its name-based idempotency work as on AWS); upload the configuration folder
   * to the ETL-scripts bucket as a deployment would.
   */
  async provision(lake: LocalLake, configDir: string): Promise<void> {
    for (const bucket of Object.values(lake.bucketNames)) {
      await this.s3.send(new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: LOCAL_PSEUDO.region as any },
      }));
    }
    for (const file of listFiles(configDir)) {
      const key = path.relative(configDir, file).split(path.sep).join('/');
      await this.s3.send(new PutObjectCommand({ Bucket: lake.bucketNames.etlScripts, Key: key, Body: fs.readFileSync(file) }));
    }
    for (const table of lake.tables) await this.dynamodb.send(new CreateTableCommand(createTableInput(table)));
    await this.sns.send(new CreateTopicCommand({ Name: lake.topicArn.split(':').pop()! }));
    await this.sfn.send(new CreateStateMachineCommand({
      name: lake.stateMachineName,
      definition: JSON.stringify(lake.asl),
      roleArn: `arn:aws:iam::${LOCAL_PSEUDO.accountId}:role/insurancelake-local`,
    }));
  }

  /** Executions the trigger (or dependency trigger) started in moto, with their input; those named in
   * `known` are skipped without being described. */
  async startedExecutions(stateMachineArn: string, known: ReadonlySet<string>): Promise<{ name: string; arn: string; input: any }[]> {
    const out: { name: string; arn: string; input: any }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken }));
      for (const e of (page.executions ?? []).filter((x) => !known.has(x.name!))) {
        const described = await this.sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        out.push({ name: e.name!, arn: e.executionArn!, input: JSON.parse(described.input ?? '{}') });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  /** Publish to the local topic (what the state machine's SNS tasks do). */
  async publish(params: Record<string, any>): Promise<void> {
    await this.sns.send(new PublishCommand(params as any));
  }

  /** Every item of a table's partition `key = value` (all pages). */
  async itemsByKey(table: string, key: string, value: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': key },
        ExpressionAttributeValues: { ':v': { S: value } },
        ExclusiveStartKey: start,
      }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** The CreateTable request of a table of the template (keys and GSIs as defined, on demand). */
export function createTableInput(table: LocalTable): CreateTableCommandInput {
  const p = table.properties;
  return {
    TableName: table.name,
    KeySchema: p.KeySchema,
    AttributeDefinitions: p.AttributeDefinitions,
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes?.map((g: any) => ({
      IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
    })),
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** Plain value of a DynamoDB attribute (strings, numbers, maps and lists). */
export function plain(value: AttributeValue | undefined): any {
  if (!value) return undefined;
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL) return null;
  if (value.M) return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, plain(v)]));
  if (value.L) return value.L.map(plain);
  return undefined;
}

/** Every file below `dir`, sorted, skipping hidden files and folders. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
