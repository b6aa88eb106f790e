import {
  auditItems, createAuditTable, createBucket, createStateMachine, createTopic, executions, putAuditItem, putObject, s3Event, unique,
} from './moto-fixtures';
import { AuditStatus, LambdaEnv } from '../../src/contract';
import { handler } from '../../src/orchestration/lambda/trigger.lambda';

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

const COLLECT = 'dev-insurancelake-123456789012-us-east-1-collect';

interface Env { table: string; scripts: string; machine: string; topic: string }

async function freshEnv(): Promise<Env> {
  const env = {
    table: await createAuditTable(unique('audit')),
    scripts: await createBucket(unique('scripts')),
    machine: await createStateMachine(unique('sm')),
    topic: await createTopic(unique('topic')),
  };
  process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = env.table;
  process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = env.scripts;
  process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = env.machine;
  process.env[LambdaEnv.SNS_TOPIC_ARN] = env.topic;
  return env;
}

beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('key parsing: database, table, partition and execution name from the Collect key', () => {
  let env: Env;
  beforeAll(async () => { env = await freshEnv(); });

  // [encoded key as S3 delivers it, db, table, source_path, base_file_name, year, month, day, name prefix]
  const started: Array<[string, string, string, string, string, string, string, string, string]> = [
    ['Sales/Policies/policies.csv', 'Sales', 'Policies', 'Sales/Policies', 'policies.csv', '2023', '01', '01', 'policiescsv'],
    ['Sales/Policies/2024/policies.csv', 'Sales', 'Policies', 'Sales/Policies/2024', 'policies.csv', '2024', '01', '01', 'policiescsv'],
    ['Sales/Policies/2024/06/policies.csv', 'Sales', 'Policies', 'Sales/Policies/2024/06', 'policies.csv', '2024', '06', '01', 'policiescsv'],
    ['Sales/Policies/2024/06/15/policies.csv', 'Sales', 'Policies', 'Sales/Policies/2024/06/15', 'policies.csv', '2024', '06', '15', 'policiescsv'],
    ['Sales/Policies/2024/06/15/extra/p.csv', 'Sales', 'Policies', 'Sales/Policies/2024/06/15/extra', 'p.csv', '2024', '06', '15', 'pcsv'],
    ['Sales/Policies/2024/02/29/p.csv', 'Sales', 'Policies', 'Sales/Policies/2024/02/29', 'p.csv', '2024', '02', '29', 'pcsv'],
    ['Sales/Policies/2023/12/p.csv', 'Sales', 'Policies', 'Sales/Policies/2023/12', 'p.csv', '2023', '12', '01', 'pcsv'],
    ['Sales/Policies/my+file+name.csv', 'Sales', 'Policies', 'Sales/Policies', 'my file name.csv', '2023', '01', '01', 'myfilenamecsv'],
    ['Sales/Policies/my%2Bplus.csv', 'Sales', 'Policies', 'Sales/Policies', 'my+plus.csv', '2023', '01', '01', 'mypluscsv'],
    ['Sales_Data/Policy_Table_2/file.csv', 'Sales_Data', 'Policy_Table_2', 'Sales_Data/Policy_Table_2', 'file.csv', '2023', '01', '01', 'filecsv'],
    ['Sales/Policies/caf%C3%A9.csv', 'Sales', 'Policies', 'Sales/Policies', 'café.csv', '2023', '01', '01', 'cafcsv'],
    ['Sales/Policies/%E6%95%B0%E6%8D%AE.csv', 'Sales', 'Policies', 'Sales/Policies', '数据.csv', '2023', '01', '01', 'csv'],
    ['_Sales/UEBERSICHT/daten.csv', '_Sales', 'UEBERSICHT', '_Sales/UEBERSICHT', 'daten.csv', '2023', '01', '01', 'datencsv'],
    ['Sales/Policies/file%2520name.csv', 'Sales', 'Policies', 'Sales/Policies', 'file%20name.csv', '2023', '01', '01', 'file20namecsv'],
    ['Sales/Policies/a%zzb.csv', 'Sales', 'Policies', 'Sales/Policies', 'a%zzb.csv', '2023', '01', '01', 'azzbcsv'],
    ['Sales/Policies/%28copy%29+%5B1%5D.csv', 'Sales', 'Policies', 'Sales/Policies', '(copy) [1].csv', '2023', '01', '01', 'copy1csv'],
    ['Sales%2FPolicies/file.csv', 'Sales', 'Policies', 'Sales/Policies', 'file.csv', '2023', '01', '01', 'filecsv'],
    ['Sales/Policies/file-name_v2.CSV', 'Sales', 'Policies', 'Sales/Policies', 'file-name_v2.CSV', '2023', '01', '01', 'file-name_v2CSV'],
    ['Sales/Policies/archive.tar.gz', 'Sales', 'Policies', 'Sales/Policies', 'archive.tar.gz', '2023', '01', '01', 'archivetargz'],
    ['Sales/Policies/no_extension', 'Sales', 'Policies', 'Sales/Policies', 'no_extension', '2023', '01', '01', 'no_extension'],
    ['Sales/Policies/.hidden', 'Sales', 'Policies', 'Sales/Policies', '.hidden', '2023', '01', '01', 'hidden'],
    [`Sales/Policies/${'a'.repeat(70)}.csv`, 'Sales', 'Policies', 'Sales/Policies', `${'a'.repeat(70)}.csv`, '2023', '01', '01', 'a'.repeat(59)],
  ];

  test.each(started.map((c, i) => [i, ...c] as const))(
    'case %i: %s is started with the parsed input',
    async (i, key, db, table, path, base, year, month, day, namePrefix) => {
      // A distinct second per case keeps execution names apart; the date stays 2023-01-01.
      const second = String(i).padStart(2, '0');
      const result = await handler(s3Event(COLLECT, key, `2023-01-01T23:30:${second}.000Z`));
      expect(result.statusCode).toBe(200);

      const expectedName = `${namePrefix}-202301012330${second}000000`;
      expect(expectedName.length).toBeLessThanOrEqual(80);
      const execution = (await executions(env.machine)).find((e) => e.name === expectedName);
      expect(execution).toBeDefined();
      expect(execution!.input).toEqual({
        target_database_name: db,
        source_bucketname: COLLECT,
        source_key: `${db}/${table}`,
        source_path: path,
        base_file_name: base,
        p_year: year,
        p_month: month,
        p_day: day,
        table_name: table,
        execution_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        entity_match: false,
      });
      const item = (await auditItems(env.table)).find((x) => x.sfn_execution_name === expectedName);
      expect(item?.execution_id).toBe(execution!.input.execution_id);
      expect(item?.job_latest_status).toBe(AuditStatus.STARTED);
    },
  );

  // Keys that do not fit the layout are rejected (trigger-rejection.test.ts); folder markers only are ignored.
  const ignored: Array<[string, RegExp]> = [
    ['Sales/Policies/', /folder/],
    ['Sales/Policies/2024/', /folder/],
  ];

  test.each(ignored)('%s is ignored with a logged reason and starts nothing', async (key, reason) => {
    const log = jest.spyOn(console, 'log');
    const before = (await executions(env.machine)).length;
    const itemsBefore = (await auditItems(env.table)).length;
    const result = await handler(s3Event(COLLECT, key, '2023-01-01T23:31:00.000Z'));
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatch(reason);
    expect(log.mock.calls.some(([line]) => reason.test(String(line)))).toBe(true);
    expect((await executions(env.machine)).length).toBe(before);
    expect((await auditItems(env.table)).length).toBe(itemsBefore);
  });
});

describe('audit item and execution', () => {
  test('the audit item carries every reference attribute with the event time formats', async () => {
    const env = await freshEnv();
    await handler(s3Event(COLLECT, 'Claims/Losses/2022/losses+2022.csv', '2023-07-04T05:06:07.123Z'));
    const items = await auditItems(env.table);
    expect(items).toHaveLength(1);
    const item = items[0];
    const execution = (await executions(env.machine))[0];
    expect(execution.name).toBe('losses2022csv-20230704050607123000');
    expect(item).toEqual({
      execution_id: execution.input.execution_id,
      sfn_execution_name: 'losses2022csv-20230704050607123000',
      sfn_arn: env.machine,
      sfn_input: expect.any(String),
      source_key: 'Claims/Losses',
      job_latest_status: 'STARTED',
      job_start_date: '2023-07-04 05:06:07.123000',
      job_start_date_int: Date.UTC(2023, 6, 4, 5, 6, 7) / 1000,
      job_last_updated_timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/),
      principal_id: 'AWS:AIDAEXAMPLE',
      source_ipaddress: '203.0.113.7',
      dependency_key: 'None',
    });
    expect(JSON.parse(String(item.sfn_input))).toEqual(execution.input);
    expect(execution.input.p_year).toBe('2022');
    expect(execution.input.p_month).toBe('07');
    expect(execution.input.p_day).toBe('04');
  });

  test('entity_match is true when <DB>-entitymatch.json exists in the scripts bucket (prefix match)', async () => {
    const env = await freshEnv();
    await putObject(env.scripts, 'etl/transformation-spec/Customer-entitymatch.json', '{}');
    await handler(s3Event(COLLECT, 'Customer/Accounts/a.csv', '2023-01-01T00:00:00.000Z'));
    await handler(s3Event(COLLECT, 'Other/Accounts/a.csv', '2023-01-01T00:00:01.000Z'));
    const byDb = Object.fromEntries((await executions(env.machine)).map((e) => [e.input.target_database_name, e.input.entity_match]));
    expect(byDb).toEqual({ Customer: true, Other: false });
  });

  test('a duplicate delivery of the same S3 event starts no second execution and writes no second item', async () => {
    const env = await freshEnv();
    const event = s3Event(COLLECT, 'Sales/Policies/policies.csv', '2023-01-01T23:30:00.000Z');
    const first = await handler(event);
    const second = await handler(event);
    expect(first.body).toMatch(/^Started/);
    expect(second.statusCode).toBe(200);
    expect(second.body).toMatch(/Duplicate event/);
    expect(await executions(env.machine)).toHaveLength(1);
    expect(await auditItems(env.table)).toHaveLength(1);
  });

  test('a duplicate restores the audit item when the first delivery started the execution but wrote none', async () => {
    const env = await freshEnv();
    const event = s3Event(COLLECT, 'Sales/Policies/policies.csv', '2023-01-01T23:30:00.000Z');
    await handler(event);
    const [original] = await auditItems(env.table);
    // Simulate a crash between StartExecution and PutItem: a fresh table without the item.
    process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = await createAuditTable(unique('audit'));
    await handler(event);
    const restored = await auditItems(process.env[LambdaEnv.DYNAMODB_TABLE_NAME]!);
    expect(restored).toHaveLength(1);
    expect(restored[0].execution_id).toBe(original.execution_id);
    expect(JSON.parse(String(restored[0].sfn_input))).toEqual(JSON.parse(String(original.sfn_input)));
    expect(await executions(env.machine)).toHaveLength(1);
  });

  test('the same file uploaded again later is a new execution', async () => {
    const env = await freshEnv();
    await handler(s3Event(COLLECT, 'Sales/Policies/policies.csv', '2023-01-01T23:30:00.000Z'));
    await handler(s3Event(COLLECT, 'Sales/Policies/policies.csv', '2023-01-01T23:30:00.001Z'));
    expect((await executions(env.machine)).map((e) => e.name).sort()).toEqual([
      'policiescsv-20230101233000000000',
      'policiescsv-20230101233000001000',
    ]);
  });
});

describe('dependencies: <DB>-<TBL>-dependent.json', () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  async function withDependency(config: unknown): Promise<Env> {
    const env = await freshEnv();
    await putObject(env.scripts, 'etl/transformation-spec/SyntheticGeneralData-CombinedData-dependent.json', JSON.stringify(config));
    return env;
  }

  async function dependencySucceeded(env: Env, status: string, secondsAgo: number): Promise<void> {
    await putAuditItem(env.table, {
      execution_id: unique('dep'),
      source_key: 'SyntheticGeneralData/PolicyData',
      job_latest_status: status,
      job_start_date_int: nowSeconds() - secondsAgo,
      dependency_key: 'None',
    });
  }

  const combined = (time = '2023-01-01T00:00:00.000Z') => s3Event(COLLECT, 'SyntheticGeneralData/CombinedData/combined.csv', time);

  test('depends_on without lookback queues the job: no execution, a QUEUED item keyed on the first dependency', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1, 'SyntheticGeneralData/ClaimData': 1 } });
    const result = await handler(combined());
    expect(result.body).toMatch(/^Queued/);
    expect(await executions(env.machine)).toHaveLength(0);
    const [item] = await auditItems(env.table);
    expect(item.job_latest_status).toBe(AuditStatus.QUEUED);
    expect(item.dependency_key).toBe('SyntheticGeneralData/PolicyData');
    expect(JSON.parse(String(item.sfn_input)).source_key).toBe('SyntheticGeneralData/CombinedData');
  });

  test('lookback {"days": 1} with a SUCCEEDED dependency an hour ago starts the job', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { days: 1 } });
    await dependencySucceeded(env, 'SUCCEEDED', 3600);
    await handler(combined());
    expect(await executions(env.machine)).toHaveLength(1);
    const item = (await auditItems(env.table)).find((x) => x.source_key === 'SyntheticGeneralData/CombinedData');
    expect(item?.job_latest_status).toBe(AuditStatus.STARTED);
    expect(item?.dependency_key).toBe('SyntheticGeneralData/PolicyData');
  });

  test('lookback {"days": 1} with the only success two days ago queues the job', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { days: 1 } });
    await dependencySucceeded(env, 'SUCCEEDED', 2 * 86400);
    await handler(combined());
    expect(await executions(env.machine)).toHaveLength(0);
    const item = (await auditItems(env.table)).find((x) => x.source_key === 'SyntheticGeneralData/CombinedData');
    expect(item?.job_latest_status).toBe(AuditStatus.QUEUED);
  });

  test('lookback counts only SUCCEEDED runs: a recent FAILED run queues the job', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { hours: 6 } });
    await dependencySucceeded(env, 'FAILED', 60);
    await handler(combined());
    expect(await executions(env.machine)).toHaveLength(0);
  });

  test('lookback counts only SUCCEEDED runs: a recently REJECTED file of the dependency queues the job', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { hours: 6 } });
    await dependencySucceeded(env, AuditStatus.REJECTED, 60);
    await handler(combined());
    expect(await executions(env.machine)).toHaveLength(0);
  });

  test('lookback {"weeks": 1, "hours": 12} reaches back 7.5 days', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { weeks: 1, hours: 12 } });
    await dependencySucceeded(env, 'SUCCEEDED', 7 * 86400 + 11 * 3600);
    await handler(combined());
    expect(await executions(env.machine)).toHaveLength(1);
  });

  test('an empty depends_on starts the job with dependency_key None', async () => {
    const env = await withDependency({ depends_on: {} });
    await handler(combined());
    expect(await executions(env.machine)).toHaveLength(1);
    expect((await auditItems(env.table))[0].dependency_key).toBe('None');
  });

  test('a duplicate delivery of a queued event queues nothing more', async () => {
    const env = await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 } });
    await handler(combined());
    const again = await handler(combined());
    expect(again.body).toMatch(/already queued/);
    expect(await auditItems(env.table)).toHaveLength(1);
  });

  test('a lookback with a key relativedelta does not know fails with the file and the key', async () => {
    await withDependency({ depends_on: { 'SyntheticGeneralData/PolicyData': 1 }, lookback: { fortnights: 1 } });
    await expect(handler(combined())).rejects.toThrow(/SyntheticGeneralData-CombinedData-dependent\.json: "lookback\.fortnights" is not a relativedelta argument/);
  });
});
