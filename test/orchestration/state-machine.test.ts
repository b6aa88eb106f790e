import { JOB_NAMES, Lake, buildLake, runLocally } from './local-run';
import {
  auditItems, createAuditTable, createBucket, createStateMachine, createTopic, executions, putAuditItem, putObject, s3Event, snsEvent,
  unique,
} from './moto-fixtures';
import { LambdaEnv } from '../../src/contract';
import { handler as dependencyTrigger } from '../../src/orchestration/lambda/dependency-trigger.lambda';
import { handler as trigger } from '../../src/orchestration/lambda/trigger.lambda';
import { GlueJobRunFailed, TaskError } from '../../src/orchestration/local-definition';

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

const S = (suffix: string) => `DevInsuranceLake${suffix}`;
const COLLECT = S('CollectGlueJobTask');
const CLEANSE = S('CleanseGlueJobTask');
const ENTITY = S('EntityMatchGlueJobTask');

let lake: Lake;
let table: string;
beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  lake = buildLake();
  process.env[LambdaEnv.SNS_TOPIC_ARN] = await createTopic(unique('topic'));
});
beforeEach(async () => {
  table = await createAuditTable(unique('audit'));
  process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = table;
});

function input(executionId: string, entityMatch = false) {
  return {
    target_database_name: 'Sales',
    source_bucketname: 'collect',
    source_key: 'Sales/Policies',
    source_path: 'Sales/Policies/2024',
    base_file_name: 'policies.csv',
    p_year: '2024',
    p_month: '01',
    p_day: '01',
    table_name: 'Policies',
    execution_id: executionId,
    entity_match: entityMatch,
  };
}

async function startedItem(executionId: string): Promise<void> {
  await putAuditItem(table, { execution_id: executionId, source_key: 'Sales/Policies', job_latest_status: 'STARTED', dependency_key: 'None' });
}

async function status(executionId: string) {
  return (await auditItems(table)).find((i) => i.execution_id === executionId);
}

describe('the synthesized definition', () => {
  test('has the reference states in order, with the entity-match choice', () => {
    expect(lake.asl.StartAt).toBe(COLLECT);
    expect(Object.keys(lake.asl.States).sort()).toEqual([
      COLLECT, CLEANSE, S('EntityMatchChoice'), ENTITY, S('EtlSuccessJobAuditUpdateTask'), S('EtlSuccessPublishTask'),
      S('EtlSucceededState'), S('EtlFailureJobAuditUpdateTask'), S('EtlFailurePublishTask'), S('EtlFailedState'),
      S('EtlNotificationFailedState'),
    ].sort());
    expect(lake.asl.States[COLLECT].Next).toBe(CLEANSE);
    expect(lake.asl.States[CLEANSE].Next).toBe(S('EntityMatchChoice'));
    expect(lake.asl.States[S('EntityMatchChoice')]).toMatchObject({
      Choices: [{ Variable: '$.entity_match', BooleanEquals: true, Next: ENTITY }],
      Default: S('EtlSuccessJobAuditUpdateTask'),
    });
  });

  test.each([COLLECT, CLEANSE, ENTITY])('%s: .sync Glue task with the reference retry and a catch-all into the failure audit', (name) => {
    const state = lake.asl.States[name] as any;
    expect(state.Resource).toBe('arn:aws:states:::glue:startJobRun.sync');
    expect(state.ResultPath).toBe('$.taskresult');
    expect(state.Retry).toEqual([{
      ErrorEquals: ['Glue.AWSGlueException', 'Glue.ConcurrentRunsExceededException', 'Glue.InternalServiceException',
        'Glue.ResourceNotReadyException', 'Glue.ResourceNumberLimitExceededException', 'States.Timeout'],
      MaxAttempts: 4,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    }]);
    expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.taskresult', Next: S('EtlFailureJobAuditUpdateTask') }]);
  });

  test('the auditor gets {Input: $} and its result lands in $.status_update_result; SNS gets the whole state', () => {
    const audit = lake.asl.States[S('EtlSuccessJobAuditUpdateTask')] as any;
    expect(audit.Parameters.Payload).toEqual({ 'Input.$': '$' });
    expect(audit.ResultPath).toBe('$.status_update_result');
    const publish = lake.asl.States[S('EtlFailurePublishTask')] as any;
    expect(publish.Parameters).toMatchObject({
      'Message.$': '$', 'Subject': 'Job Failed', 'MessageAttributes': { status: { DataType: 'String', StringValue: 'FAILED' } },
    });
    expect(publish.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notification_error', Next: S('EtlNotificationFailedState') }]);
  });
});

describe('local execution of the synthesized state machine', () => {
  test('success without entity match: collect and cleanse run, the audit says SUCCEEDED, "Job Completed" is published', async () => {
    await startedItem('run-1');
    const run = await runLocally(lake, input('run-1'));
    expect(run.error).toBeUndefined();
    expect(run.glueCalls.map((c) => c.jobName)).toEqual([JOB_NAMES.collect, JOB_NAMES.cleanse]);
    expect((await status('run-1'))?.job_latest_status).toBe('SUCCEEDED');
    expect(run.published).toHaveLength(1);
    expect(run.published[0]).toMatchObject({ subject: 'Job Completed', status: 'SUCCEEDED' });
    const message = run.published[0].message;
    expect(message).toMatchObject({ source_key: 'Sales/Policies', execution_id: 'run-1', taskresult: { JobRunState: 'SUCCEEDED' } });
    expect(message.status_update_result.Payload).toEqual({ statusCode: 200, body: 'Updated run-1 to SUCCEEDED' });
    expect(run.path[run.path.length - 1]).toBe(S('EtlSucceededState'));
  });

  test('success with entity match: the entity-match job runs third', async () => {
    await startedItem('run-2');
    const run = await runLocally(lake, input('run-2', true));
    expect(run.error).toBeUndefined();
    expect(run.glueCalls.map((c) => c.jobName)).toEqual([JOB_NAMES.collect, JOB_NAMES.cleanse, JOB_NAMES.entityMatch]);
    expect((await status('run-2'))?.job_latest_status).toBe('SUCCEEDED');
    expect(run.published.map((p) => p.subject)).toEqual(['Job Completed']);
  });

  test('every Glue task receives the per-run arguments its entry script requires', async () => {
    await startedItem('run-3');
    const run = await runLocally(lake, input('run-3', true));
    const args = Object.fromEntries(run.glueCalls.map((c) => [c.stateName, c.args]));
    const base = {
      '--state_machine_name': 'dev-insurancelake-etl-state-machine',
      '--execution_id': 'run-3',
      '--source_key': 'Sales/Policies',
      '--table_name': 'Policies',
      '--p_year': '2024',
      '--p_month': '01',
      '--p_day': '01',
    };
    expect(args[COLLECT]).toEqual({
      ...base, '--source_path': 'Sales/Policies/2024', '--target_database_name': 'Sales', '--base_file_name': 'policies.csv',
    });
    expect(args[CLEANSE]).toEqual({
      ...base, '--source_database_name': 'Sales', '--target_database_name': 'Sales_consume', '--base_file_name': 'policies.csv',
    });
    expect(args[ENTITY]).toEqual({ ...base, '--database_name_prefix': 'Sales' });
  });

  test('a failed job run is not retried: the auditor records its ErrorMessage, "Job Failed" is published, the execution fails', async () => {
    await startedItem('run-4');
    const run = await runLocally(lake, input('run-4'), {
      glue: (c) => { if (c.stateName === CLEANSE) throw new GlueJobRunFailed('DataError: Sales-Policies.sql returned no year column'); },
    });
    expect(run.glueCalls.map((c) => c.stateName)).toEqual([COLLECT, CLEANSE]);
    expect(run.error?.message).toMatch(/End of failure path/);
    const item = await status('run-4');
    expect(item?.job_latest_status).toBe('FAILED');
    expect(item?.error_message).toBe('DataError: Sales-Policies.sql returned no year column');
    expect(run.published).toHaveLength(1);
    expect(run.published[0]).toMatchObject({ subject: 'Job Failed', status: 'FAILED' });
    expect(run.published[0].message.taskresult.Error).toBe('States.TaskFailed');
    expect(run.path[run.path.length - 1]).toBe(S('EtlFailedState'));
  });

  test('ConcurrentRunsExceeded is retried 4 times, then caught: auditor FAILED, "Job Failed", Fail', async () => {
    await startedItem('run-5');
    const run = await runLocally(lake, input('run-5'), {
      glue: () => { throw new TaskError('Glue.ConcurrentRunsExceededException', 'Concurrent runs exceeded'); },
    });
    expect(run.glueCalls).toHaveLength(5);
    expect(run.glueCalls.every((c) => c.stateName === COLLECT)).toBe(true);
    const item = await status('run-5');
    expect(item?.job_latest_status).toBe('FAILED');
    expect(item?.error_message).toBe('Concurrent runs exceeded');
    expect(run.published.map((p) => [p.subject, p.status])).toEqual([['Job Failed', 'FAILED']]);
    expect(run.error).toBeDefined();
    expect(run.path[run.path.length - 1]).toBe(S('EtlFailedState'));
  });

  test('an auditor failure on the failure path still publishes "Job Failed" (decision I6)', async () => {
    const run = await runLocally(lake, input('run-6'), {
      glue: () => { throw new GlueJobRunFailed('boom'); },
      auditor: () => { throw new TypeError('DynamoDB unreachable'); },
    });
    expect(run.published.map((p) => p.subject)).toEqual(['Job Failed']);
    expect(run.published[0].message.status_update_result).toMatchObject({ Error: 'TypeError' });
    expect(run.path[run.path.length - 1]).toBe(S('EtlFailedState'));
  });

  test('an auditor failure on the success path publishes "Job Failed" instead of staying silent', async () => {
    const run = await runLocally(lake, input('run-7'), {
      auditor: () => { throw new TaskError('Lambda.ServiceException', 'throttled'); },
    });
    // The Lambda service error is retried 6 times (7 invocations), then caught.
    expect(run.lambdaCalls.filter((c) => c.stateName === S('EtlSuccessJobAuditUpdateTask'))).toHaveLength(7);
    expect(run.published.map((p) => [p.subject, p.status])).toEqual([['Job Failed', 'FAILED']]);
    expect(run.published[0].message.taskresult.JobRunState).toBe('SUCCEEDED');
    expect(run.error).toBeDefined();
  });

  test('a failed SNS publish ends in the notification-failed state', async () => {
    await startedItem('run-8');
    const run = await runLocally(lake, input('run-8'), { publish: () => { throw new Error('KMS key disabled'); } });
    expect(run.path[run.path.length - 1]).toBe(S('EtlNotificationFailedState'));
    expect(run.error?.message).toMatch(/notification/i);
    expect((await status('run-8'))?.job_latest_status).toBe('SUCCEEDED');
  });

  test('without an entity-match job the cleanse task goes straight to the success audit', async () => {
    const small = buildLake({ consumeEntityMatchJob: undefined });
    expect(Object.keys(small.asl.States)).not.toContain(S('EntityMatchChoice'));
    await startedItem('run-9');
    const run = await runLocally(small, input('run-9', true));
    expect(run.glueCalls.map((c) => c.jobName)).toEqual([JOB_NAMES.collect, JOB_NAMES.cleanse]);
    expect(run.published.map((p) => p.subject)).toEqual(['Job Completed']);
  });

  test('a file dropped at Collect/<DB>/<TBL>/file.csv: the trigger input drives all three jobs with the engine arguments', async () => {
    const scripts = await createBucket(unique('scripts'));
    await putObject(scripts, 'etl/transformation-spec/Customer-entitymatch.json', '{}');
    const machineArn = await createStateMachine(unique('sm'));
    process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = scripts;
    process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = machineArn;
    await trigger(s3Event('collect', 'Customer/Accounts/accounts+2024.csv', '2024-03-05T10:00:00.000Z'));
    const [execution] = await executions(machineArn);
    const run = await runLocally(lake, execution.input);
    expect(run.error).toBeUndefined();
    expect(run.glueCalls.map((c) => c.args['--target_database_name'] ?? c.args['--database_name_prefix']))
      .toEqual(['Customer', 'Customer_consume', 'Customer']);
    expect(run.glueCalls[0].args['--base_file_name']).toBe('accounts 2024.csv');
    expect(run.glueCalls[0].args['--p_day']).toBe('05');
    const [item] = await auditItems(table);
    expect(item.execution_id).toBe(execution.input.execution_id);
    expect(item.job_latest_status).toBe('SUCCEEDED');
  });

  test('a succeeded workflow releases the job queued on it: SUCCEEDED notification -> dependency trigger -> StartExecution', async () => {
    const scripts = await createBucket(unique('scripts'));
    await putObject(scripts, 'etl/transformation-spec/SyntheticGeneralData-CombinedData-dependent.json',
      JSON.stringify({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { days: 1 } }));
    const machineArn = await createStateMachine(unique('sm'));
    process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = scripts;
    process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = machineArn;
    const now = new Date().toISOString();

    // CombinedData arrives first and waits; then PolicyData arrives and runs.
    await trigger(s3Event('collect', 'SyntheticGeneralData/CombinedData/combined.csv', now));
    await trigger(s3Event('collect', 'SyntheticGeneralData/PolicyData/policies.csv', now));
    const started = await executions(machineArn);
    expect(started.map((e) => e.input.source_key)).toEqual(['SyntheticGeneralData/PolicyData']);

    // The topic delivers to the dependency trigger only messages whose status is SUCCEEDED (filter policy).
    const run = await runLocally(lake, started[0].input, {
      publish: async (params) => {
        if (params.MessageAttributes.status.StringValue !== 'SUCCEEDED') return;
        await dependencyTrigger(snsEvent(params.Message, params.Subject, 'SUCCEEDED', new Date().toISOString()));
      },
    });
    expect(run.error).toBeUndefined();
    const after = await executions(machineArn);
    expect(after.map((e) => e.input.source_key).sort()).toEqual(['SyntheticGeneralData/CombinedData', 'SyntheticGeneralData/PolicyData']);
    const items = Object.fromEntries((await auditItems(table)).map((i) => [i.source_key, i.job_latest_status]));
    expect(items).toEqual({ 'SyntheticGeneralData/PolicyData': 'SUCCEEDED', 'SyntheticGeneralData/CombinedData': 'STARTED' });
  });
});
