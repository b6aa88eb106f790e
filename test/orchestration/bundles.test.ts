// The bundled handlers (assets/lambda, built by `projen bundle`, which `npm test` runs first) are what
// deploys: they must load with the AWS SDK left external and answer like the sources.
import * as fs from 'fs';
import * as path from 'path';
import { auditItems, createAuditTable, createBucket, createStateMachine, createTopic, executions, s3Event, unique } from './moto-fixtures';
import { LambdaEnv } from '../../src/contract';

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

const BUNDLES = path.join(__dirname, '..', '..', 'assets', 'lambda', 'orchestration', 'lambda');

test.each(['trigger', 'job-auditor', 'dependency-trigger'])('%s bundle exports handler, leaves the SDK out and needs no file beside it', (name) => {
  const file = path.join(BUNDLES, `${name}.lambda`, 'index.js');
  const code = fs.readFileSync(file, 'utf-8');
  expect(code).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
  expect(code).not.toMatch(/class DynamoDBClient/);
  // The zip holds only index.js: contract.json (read by src/contract.ts) must be inlined, not required.
  expect(code.match(/require\("\.{1,2}\/[^"]*"\)/g) ?? []).toEqual([]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(typeof require(file).handler).toBe('function');
});

test('the bundled trigger starts an execution and writes the audit item', async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = await createAuditTable(unique('audit'));
  process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = await createBucket(unique('scripts'));
  const machine = process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = await createStateMachine(unique('sm'));
  process.env[LambdaEnv.SNS_TOPIC_ARN] = await createTopic(unique('topic'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(path.join(BUNDLES, 'trigger.lambda', 'index.js'));
  const result = await handler(s3Event('collect', 'Sales/Policies/p.csv', '2023-01-01T00:00:00.000Z'));
  expect(result.statusCode).toBe(200);
  expect((await executions(machine)).map((e) => e.name)).toEqual(['pcsv-20230101000000000000']);
  expect((await auditItems(process.env[LambdaEnv.DYNAMODB_TABLE_NAME]!))[0].job_latest_status).toBe('STARTED');
});
