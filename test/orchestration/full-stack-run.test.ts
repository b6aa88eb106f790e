// The default InsuranceLake stack, end to end on one machine: a file dropped in Collect goes through
// the trigger and the synthesized state machine, and each Glue job gets, from its default arguments
// plus the task's arguments, every argument its entry script requires (contract.json, which the
// engine reads too).
import * as path from 'path';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { Template } from 'aws-cdk-lib/assertions';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import {
  auditItems, createAuditTable, createBucket, createStateMachine, createTopic, dynamo, executions, notifications, plain,
  putObject, s3Event, sns, subscribeQueue, unique,
} from './moto-fixtures';
import { InsuranceLake } from '../../src';
import { AuditStatus, JOB_KEYS, LambdaEnv, contractArgument, contractJob } from '../../src/contract';
import { handler as auditor } from '../../src/orchestration/lambda/job-auditor.lambda';
import { handler as trigger } from '../../src/orchestration/lambda/trigger.lambda';
import type { handler as TriggerHandler, TriggerResult } from '../../src/orchestration/lambda/trigger.lambda';
import {
  installPromiseWithResolvers, localContext, localTaskHandlers, noRetryWaits, resolveStateMachineDefinition, resolveTemplateValue,
} from '../../src/orchestration/local-definition';
import { engineRoot, testApp, testStack } from '../insurance-lake.fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as { StateMachine: typeof LocalStateMachine };

const BUNDLES = path.join(__dirname, '..', '..', 'assets', 'lambda', 'orchestration', 'lambda');

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

test('a file dropped at Collect/<DB>/<TBL>/file.csv runs all three jobs with every argument the engine requires', async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  installPromiseWithResolvers();
  const app = testApp();
  const stack = testStack(app);
  new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot() });
  const template = Template.fromStack(stack).toJSON();
  const asl = resolveStateMachineDefinition(template);

  // Job name -> entry script and default argument names, from the synthesized AWS::Glue::Job resources.
  const jobs: { [name: string]: { script: string; defaults: string[] } } = {};
  for (const r of Object.values(template.Resources) as any[]) {
    if (r.Type !== 'AWS::Glue::Job') continue;
    const key = JOB_KEYS.find((k) => String(r.Properties.Name).endsWith(contractJob(k).name_suffix))!;
    jobs[r.Properties.Name] = { script: contractJob(key).script, defaults: Object.keys(r.Properties.DefaultArguments ?? {}) };
  }
  expect(Object.values(jobs).map((j) => j.script).sort())
    .toEqual(['etl_cleanse_to_consume.py', 'etl_collect_to_cleanse.py', 'etl_consume_entity_match.py']);

  // The trigger, against moto, for a Customer file with an entity-match spec.
  const table = process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = await createAuditTable(unique('audit'));
  const scripts = process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = await createBucket(unique('scripts'));
  const machineArn = process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = await createStateMachine(unique('sm'));
  process.env[LambdaEnv.SNS_TOPIC_ARN] = await createTopic(unique('topic'));
  await putObject(scripts, 'etl/transformation-spec/Customer-entitymatch.json', '{}');
  await trigger(s3Event('collect', 'Customer/Accounts/accounts.csv', '2024-03-05T10:00:00.000Z'));
  const [execution] = await executions(machineArn);

  const seen: Array<{ script: string; args: string[] }> = [];
  const run = new StateMachine(asl as any, { validationOptions: { checkArn: false } }).run(execution.input, {
    overrides: {
      taskResourceLocalHandlers: localTaskHandlers(asl, {
        glueJob: (jobName, args) => {
          const job = jobs[jobName];
          expect(job).toBeDefined();
          seen.push({ script: job.script, args: [...job.defaults, ...Object.keys(args)].map((a) => a.replace(/^--/, '')) });
        },
        invokeLambda: (_fn, payload: any) => auditor(payload),
        publish: () => undefined,
      }),
      retryIntervalOverrides: noRetryWaits(asl),
    },
    context: localContext('dev-insurancelake-etl-state-machine', execution.name),
  });
  await run.result;

  expect(seen.map((s) => s.script)).toEqual(['etl_collect_to_cleanse.py', 'etl_cleanse_to_consume.py', 'etl_consume_entity_match.py']);
  for (const { script, args } of seen) {
    const required = contractJob(JOB_KEYS.find((k) => contractJob(k).script === script)!).required;
    // Glue adds its own arguments (JOB_NAME); the local runner does the same.
    const missing = required.filter((a) => contractArgument(a).set_by !== 'glue' && !args.includes(a));
    expect({ script, missing }).toEqual({ script, missing: [] });
  }
  const [item] = await auditItems(table);
  expect(item.job_latest_status).toBe('SUCCEEDED');
});

// Decision I11 end to end: the lake's own template gives the bundled trigger its environment, and the
// topic, table and state machine are created in moto under the template's names. A good file runs all
// jobs and notifies SUCCEEDED; a file beside it with an impossible month is REJECTED: no execution, an
// audit item that says why (found by the execution_id the trigger returns, as the local runner looks
// items up), and a notification the dependency trigger's filter, read from the template, drops.
test('a rejected file next to a good one: REJECTED with its reason, notified, and no dependant released', async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  installPromiseWithResolvers();
  const stack = testStack(testApp());
  // A prefix of its own keeps the template's physical names apart from other tests on the shared moto server.
  new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), resourcePrefix: unique('il') });
  const template = Template.fromStack(stack).toJSON();
  const pseudo = { partition: 'aws', region: process.env.AWS_REGION!, accountId: '123456789012', urlSuffix: 'amazonaws.com' };
  const resolve = (v: unknown) => String(resolveTemplateValue(template, v, pseudo));
  const resources = Object.values<any>(template.Resources);
  const asl = resolveStateMachineDefinition(template, { pseudo });

  // The trigger's environment, exactly as deployed.
  const triggerFn = resources.find((r) => r.Type === 'AWS::Lambda::Function' && /-etl-trigger$/.test(resolve(r.Properties.FunctionName)));
  const env = Object.fromEntries(Object.entries<unknown>(triggerFn.Properties.Environment.Variables).map(([k, v]) => [k, resolve(v)]));
  Object.assign(process.env, env);
  const topicName = resolve(resources.find((r) => r.Type === 'AWS::SNS::Topic').Properties.TopicName);
  expect(await createTopic(topicName)).toBe(env[LambdaEnv.SNS_TOPIC_ARN]);
  const audit = resources.find((r) => r.Type === 'AWS::DynamoDB::Table' && resolve(r.Properties.TableName) === env[LambdaEnv.DYNAMODB_TABLE_NAME]);
  await dynamo().send(new CreateTableCommand({
    TableName: env[LambdaEnv.DYNAMODB_TABLE_NAME],
    KeySchema: audit.Properties.KeySchema,
    AttributeDefinitions: audit.Properties.AttributeDefinitions,
    GlobalSecondaryIndexes: audit.Properties.GlobalSecondaryIndexes
      .map((g: any) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection })),
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await createBucket(env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME]);
  const machineName = env[LambdaEnv.SFN_STATE_MACHINE_ARN].split(':').pop()!;
  expect(await createStateMachine(machineName)).toBe(env[LambdaEnv.SFN_STATE_MACHINE_ARN]);
  const everything = await subscribeQueue(env[LambdaEnv.SNS_TOPIC_ARN]);
  const filter = resources.find((r) => r.Type === 'AWS::SNS::Subscription' && r.Properties.Protocol === 'lambda').Properties.FilterPolicy;
  const dependants = await subscribeQueue(env[LambdaEnv.SNS_TOPIC_ARN], filter);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundled: typeof TriggerHandler = require(path.join(BUNDLES, 'trigger.lambda', 'index.js')).handler;
  const collect = 'collect';
  const good: TriggerResult = await bundled(s3Event(collect, 'Sales/Policies/2024/06/policies.csv', '2024-06-05T10:00:00.000Z'));
  const bad: TriggerResult = await bundled(s3Event(collect, 'Sales/Policies/2024/13/policies.csv', '2024-06-05T10:00:01.000Z'));
  expect(good).toMatchObject({ statusCode: 200, status: AuditStatus.STARTED });
  expect(bad).toMatchObject({ statusCode: 400, status: AuditStatus.REJECTED });

  // Only the good file has an execution; run it through the synthesized ASL with real SNS publishes.
  const [execution, ...others] = await executions(env[LambdaEnv.SFN_STATE_MACHINE_ARN]);
  expect(others).toEqual([]);
  expect(execution.input).toMatchObject({ source_key: 'Sales/Policies', p_year: '2024', p_month: '06', p_day: '05' });
  const run = new StateMachine(asl as any, { validationOptions: { checkArn: false } }).run(execution.input, {
    overrides: {
      taskResourceLocalHandlers: localTaskHandlers(asl, {
        glueJob: () => undefined,
        invokeLambda: (_fn, payload: any) => auditor(payload),
        publish: async (params: any) => {
          // Step Functions sends a JSON Message as its text.
          const message = typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message);
          await sns().send(new PublishCommand({ ...params, Message: message }));
        },
      }),
      retryIntervalOverrides: noRetryWaits(asl),
    },
    context: localContext(machineName, execution.name),
  });
  await run.result;

  const items = Object.fromEntries((await auditItems(env[LambdaEnv.DYNAMODB_TABLE_NAME])).map((i) => [i.execution_id, i]));
  expect(Object.keys(items).sort()).toEqual([good.executionId, bad.executionId].sort());
  expect(items[good.executionId!].job_latest_status).toBe('SUCCEEDED');
  // What the local runner needs for a file without an execution: the item under the returned execution_id.
  const rejected = await dynamo().send(new GetItemCommand({
    TableName: env[LambdaEnv.DYNAMODB_TABLE_NAME],
    Key: { execution_id: { S: bad.executionId! } },
  }));
  expect(plain(rejected.Item!)).toMatchObject({
    job_latest_status: 'REJECTED',
    source_key: 'Sales/Policies',
    source_object: `s3://${collect}/Sales/Policies/2024/13/policies.csv`,
    error_message: 'Rejected Collect object "Sales/Policies/2024/13/policies.csv": month folder "13" is not a month: expected two digits from 01 to 12',
  });

  const sent = await notifications(everything);
  expect(sent.map((n) => [n.subject, n.attributes.status]).sort()).toEqual([['File Rejected', 'REJECTED'], ['Job Completed', 'SUCCEEDED']]);
  const released = await notifications(dependants);
  expect(released.map((n) => [n.subject, n.message.execution_id])).toEqual([['Job Completed', good.executionId]]);
});
