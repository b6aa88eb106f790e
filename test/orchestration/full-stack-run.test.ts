// The default InsuranceLake stack, end to end on one machine: a file dropped in Collect goes through
// the trigger and the synthesized state machine, and each Glue job gets, from its default arguments
// plus the task's arguments, every argument its entry script requires (as the engine declares them).
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { auditItems, createAuditTable, createBucket, createStateMachine, executions, putObject, s3Event, unique } from './moto-fixtures';
import { InsuranceLake } from '../../src';
import { EtlJobSpec, LambdaEnv } from '../../src/contract';
import { handler as auditor } from '../../src/orchestration/lambda/job-auditor.lambda';
import { handler as trigger } from '../../src/orchestration/lambda/trigger.lambda';
import {
  installPromiseWithResolvers, localContext, localTaskHandlers, noRetryWaits, resolveStateMachineDefinition,
} from '../../src/orchestration/local-definition';
import { engineRoot, testApp, testStack } from '../insurance-lake.fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as { StateMachine: typeof LocalStateMachine };

// Synthesis and moto round trips are slow on a shared machine.
jest.setTimeout(60_000);

/** The engine's required argument lists (the contract, as the engine reads it). */
function engineRequired(): { [script: string]: string[] } {
  const python = process.env.INSURANCELAKE_TEST_PYTHON ?? path.join(__dirname, '..', '..', '.venv', 'bin', 'python');
  const code = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(__dirname, '..', '..', 'assets', 'glue'))})`,
    'from insurancelake_etl.contract import CONTRACT',
    'print(json.dumps({job.script: job.required for job in CONTRACT.jobs.values()}))',
  ].join('\n');
  return JSON.parse(execFileSync(python, ['-c', code], { encoding: 'utf-8' }));
}

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
    const spec = Object.values(EtlJobSpec).find((j) => String(r.Properties.Name).endsWith(j.nameSuffix))!;
    jobs[r.Properties.Name] = { script: spec.script, defaults: Object.keys(r.Properties.DefaultArguments ?? {}) };
  }
  expect(Object.values(jobs).map((j) => j.script).sort())
    .toEqual(['etl_cleanse_to_consume.py', 'etl_collect_to_cleanse.py', 'etl_consume_entity_match.py']);

  // The trigger, against moto, for a Customer file with an entity-match spec.
  const table = process.env[LambdaEnv.DYNAMODB_TABLE_NAME] = await createAuditTable(unique('audit'));
  const scripts = process.env[LambdaEnv.GLUE_SCRIPTS_BUCKET_NAME] = await createBucket(unique('scripts'));
  const machineArn = process.env[LambdaEnv.SFN_STATE_MACHINE_ARN] = await createStateMachine(unique('sm'));
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

  const required = engineRequired();
  expect(seen.map((s) => s.script)).toEqual(['etl_collect_to_cleanse.py', 'etl_cleanse_to_consume.py', 'etl_consume_entity_match.py']);
  for (const { script, args } of seen) {
    // JOB_NAME is added by Glue itself (and by the local runner).
    const missing = required[script].filter((a) => a !== 'JOB_NAME' && !args.includes(a));
    expect({ script, missing }).toEqual({ script, missing: [] });
  }
  const [item] = await auditItems(table);
  expect(item.job_latest_status).toBe('SUCCEEDED');
});
