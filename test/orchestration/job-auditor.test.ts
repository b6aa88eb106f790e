import { auditItems, createAuditTable, putAuditItem, unique } from './moto-fixtures';
import { LambdaEnv } from '../../src/contract';
import { handler } from '../../src/orchestration/lambda/job-auditor.lambda';

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

let table: string;
beforeAll(() => { jest.spyOn(console, 'log').mockImplementation(() => undefined); });
beforeEach(async () => {
  table = await createAuditTable(unique('audit'));
  process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = table;
});

const state = (executionId: string, taskresult: any) => ({
  Input: {
    target_database_name: 'Sales',
    source_key: 'Sales/Policies',
    table_name: 'Policies',
    execution_id: executionId,
    p_year: '2023',
    p_month: '01',
    p_day: '01',
    entity_match: false,
    taskresult,
  },
});

async function started(executionId: string): Promise<void> {
  await putAuditItem(table, {
    execution_id: executionId,
    source_key: 'Sales/Policies',
    job_latest_status: 'STARTED',
    job_start_date_int: 1672615800,
    job_last_updated_timestamp: '2023-01-01 23:30:00.000000',
    dependency_key: 'None',
  });
}

test('a Glue JobRun result sets job_latest_status to its JobRunState and refreshes the timestamp', async () => {
  await started('e-1');
  const result = await handler(state('e-1', { Id: 'jr_1', JobRunState: 'SUCCEEDED' }));
  expect(result.statusCode).toBe(200);
  const [item] = await auditItems(table);
  expect(item.job_latest_status).toBe('SUCCEEDED');
  expect(item.job_last_updated_timestamp).not.toBe('2023-01-01 23:30:00.000000');
  expect(item.job_last_updated_timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
  expect(item.error_message).toBeUndefined();
  expect(item.source_key).toBe('Sales/Policies');
});

test('a caught Glue failure sets FAILED with ErrorMessage from the JSON Cause', async () => {
  await started('e-2');
  const cause = JSON.stringify({ Id: 'jr_2', JobRunState: 'FAILED', ErrorMessage: 'ConfigError: Sales-Policies.json: $.input_spec missing' });
  await handler(state('e-2', { Error: 'States.TaskFailed', Cause: cause }));
  const [item] = await auditItems(table);
  expect(item.job_latest_status).toBe('FAILED');
  expect(item.error_message).toBe('ConfigError: Sales-Policies.json: $.input_spec missing');
});

test('a JSON Cause without ErrorMessage falls back to its JobRunState', async () => {
  await started('e-3');
  await handler(state('e-3', { Error: 'States.TaskFailed', Cause: JSON.stringify({ Id: 'jr_3', JobRunState: 'TIMEOUT' }) }));
  const [item] = await auditItems(table);
  expect(item.job_latest_status).toBe('FAILED');
  expect(item.error_message).toBe('TIMEOUT');
});

test('a Cause that is not JSON is stored verbatim', async () => {
  await started('e-4');
  await handler(state('e-4', { Error: 'Glue.ConcurrentRunsExceededException', Cause: 'Concurrent runs exceeded for dev-insurancelake-collect-to-cleanse-job' }));
  const [item] = await auditItems(table);
  expect(item.job_latest_status).toBe('FAILED');
  expect(item.error_message).toBe('Concurrent runs exceeded for dev-insurancelake-collect-to-cleanse-job');
});

test('a missing audit item is created (upsert) for an execution started by hand', async () => {
  await handler(state('manual-1', { JobRunState: 'SUCCEEDED' }));
  const items = await auditItems(table);
  expect(items).toEqual([{ execution_id: 'manual-1', job_latest_status: 'SUCCEEDED', job_last_updated_timestamp: expect.any(String) }]);
});

test('an input without execution_id fails with a message naming the field', async () => {
  await expect(handler({ Input: { taskresult: { JobRunState: 'SUCCEEDED' } } })).rejects.toThrow(/execution_id/);
});
