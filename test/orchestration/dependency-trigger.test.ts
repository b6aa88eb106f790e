import { auditItems, createAuditTable, createStateMachine, executions, putAuditItem, snsEvent, unique } from './moto-fixtures';
import { LambdaEnv } from '../../src/contract';
import { handler } from '../../src/orchestration/lambda/dependency-trigger.lambda';

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

let table: string;
let machine: string;
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
beforeEach(async () => {
  table = await createAuditTable(unique('audit'));
  machine = await createStateMachine(unique('sm'));
  process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = table;
  process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = machine;
});

const input = (id: string, sourceKey: string) => JSON.stringify({ source_key: sourceKey, execution_id: id, target_database_name: sourceKey.split('/')[0] });

async function queued(id: string, name: string, dependencyKey: string, status = 'QUEUED'): Promise<void> {
  await putAuditItem(table, {
    execution_id: id,
    sfn_execution_name: name,
    sfn_input: input(id, 'SyntheticGeneralData/CombinedData'),
    source_key: 'SyntheticGeneralData/CombinedData',
    job_latest_status: status,
    job_start_date_int: 1672531200,
    dependency_key: dependencyKey,
  });
}

const succeeded = (sourceKey: string) => snsEvent(
  { source_key: sourceKey, execution_id: 'dep-run', taskresult: { JobRunState: 'SUCCEEDED' } },
  'Job Completed', 'SUCCEEDED', '2023-01-02T03:04:05.678Z');

test('a succeeded dependency starts every job queued on its source key with the stored name and input', async () => {
  await queued('q-1', 'combinedcsv-20230101000000000000', 'SyntheticGeneralData/PolicyData');
  await queued('q-2', 'combined2csv-20230101000001000000', 'SyntheticGeneralData/PolicyData');
  await queued('q-3', 'othercsv-20230101000002000000', 'SyntheticGeneralData/ClaimData');
  const result = await handler(succeeded('SyntheticGeneralData/PolicyData'));
  expect(result.statusCode).toBe(200);
  const runs = await executions(machine);
  expect(runs.map((r) => r.name).sort()).toEqual(['combined2csv-20230101000001000000', 'combinedcsv-20230101000000000000']);
  expect(runs.find((r) => r.name.startsWith('combinedcsv'))!.input.execution_id).toBe('q-1');
  const items = Object.fromEntries((await auditItems(table)).map((i) => [i.execution_id, i]));
  expect(items['q-1'].job_latest_status).toBe('STARTED');
  expect(items['q-1'].job_last_updated_timestamp).toBe('2023-01-02 03:04:05.678000');
  expect(items['q-2'].job_latest_status).toBe('STARTED');
  expect(items['q-3'].job_latest_status).toBe('QUEUED');
});

test('no queued job on the source key answers 400 and starts nothing', async () => {
  await queued('q-4', 'x-20230101000000000000', 'SyntheticGeneralData/PolicyData', 'SUCCEEDED');
  const result = await handler(succeeded('SyntheticGeneralData/PolicyData'));
  expect(result.statusCode).toBe(400);
  expect(await executions(machine)).toHaveLength(0);
});

test('a queued job whose execution already exists is not started twice', async () => {
  await queued('q-5', 'dupcsv-20230101000000000000', 'SyntheticGeneralData/PolicyData');
  await handler(succeeded('SyntheticGeneralData/PolicyData'));
  await queued('q-6', 'dupcsv-20230101000000000000', 'SyntheticGeneralData/PolicyData');
  const second = await handler(succeeded('SyntheticGeneralData/PolicyData'));
  expect(second.started).toEqual([]);
  expect(await executions(machine)).toHaveLength(1);
});

test('a message without source_key fails with a message naming the field', async () => {
  await expect(handler(snsEvent({ execution_id: 'x' }, 'Job Completed', 'SUCCEEDED', '2023-01-02T03:04:05.678Z')))
    .rejects.toThrow(/source_key/);
});

test.each(['REJECTED', 'FAILED'])('a %s notification that reaches it (no filter) releases nothing', async (status) => {
  await queued('q-7', 'waitingcsv-20230101000000000000', 'SyntheticGeneralData/PolicyData');
  const result = await handler(snsEvent(
    { source_key: 'SyntheticGeneralData/PolicyData', execution_id: 'r-1', error_message: 'Rejected Collect object …' },
    status === 'REJECTED' ? 'File Rejected' : 'Job Failed', status, '2023-01-02T03:04:05.678Z'));
  expect(result).toMatchObject({ statusCode: 400, started: [] });
  expect(result.body).toMatch(new RegExp(`status ${status}: only SUCCEEDED releases queued jobs`));
  expect(await executions(machine)).toHaveLength(0);
  expect((await auditItems(table))[0].job_latest_status).toBe('QUEUED');
});
