// AWS SDK v3 clients for the handlers. The SDK is not bundled: the Node.js 22 Lambda runtime has it.
// Locally (tests, the local runner) AWS_ENDPOINT_URL points every client at a moto server; S3 then
// needs path-style addressing because the endpoint is an IP address.
// Only the Lambda bundles import this module, and the SDK is a devDependency on purpose (the runtime
// provides it), as projen allows for the `*.lambda.ts` entry points themselves.
/* eslint-disable import/no-extraneous-dependencies */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';

let dynamo: DynamoDBClient | undefined;
let s3: S3Client | undefined;
let sfn: SFNClient | undefined;
let sns: SNSClient | undefined;
let endpointSeen: string | undefined;

/** Drops cached clients when AWS_ENDPOINT_URL changed (tests start the handlers against different servers). */
function refresh(): void {
  if (endpointSeen !== process.env.AWS_ENDPOINT_URL) {
    endpointSeen = process.env.AWS_ENDPOINT_URL;
    dynamo = undefined;
    s3 = undefined;
    sfn = undefined;
    sns = undefined;
  }
}

/** The DynamoDB client. */
export function dynamoClient(): DynamoDBClient {
  refresh();
  return (dynamo ??= new DynamoDBClient({}));
}

/** The S3 client (path-style when a custom endpoint is set). */
export function s3Client(): S3Client {
  refresh();
  return (s3 ??= new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }));
}

/** The Step Functions client. */
export function sfnClient(): SFNClient {
  refresh();
  return (sfn ??= new SFNClient({}));
}

/** The SNS client. */
export function snsClient(): SNSClient {
  refresh();
  return (sns ??= new SNSClient({}));
}

/** A required environment variable, or an error naming it. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** One log line as JSON (CloudWatch Logs Insights can query the fields). */
export function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') console.error(line);
  else if (level === 'WARN') console.warn(line);
  else console.log(line);
}
