// Builds a stack with EtlOrchestration, resolves the synthesized ASL and runs it locally with
// aws-local-stepfunctions: Glue tasks call a test-provided function, the auditor Lambda task runs the
// real handler against moto, SNS publishes are recorded.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { EtlOrchestration } from '../../src/orchestration/etl-orchestration';
import { EtlOrchestrationProps } from '../../src/orchestration/etl-orchestration-props';
import { handler as auditorHandler } from '../../src/orchestration/lambda/job-auditor.lambda';
import {
  AslDefinition, LocalServices, installPromiseWithResolvers, localContext, localTaskHandlers, noRetryWaits,
  resolveStateMachineDefinition,
} from '../../src/orchestration/local-definition';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as { StateMachine: typeof LocalStateMachine };

export const JOB_NAMES = {
  collect: 'dev-insurancelake-collect-to-cleanse-job',
  cleanse: 'dev-insurancelake-cleanse-to-consume-job',
  entityMatch: 'dev-insurancelake-consume-entity-match-job',
};

export interface Lake {
  readonly stack: Stack;
  readonly orchestration: EtlOrchestration;
  readonly template: Template;
  readonly asl: AslDefinition;
}

/** A stack with the orchestration over real (created) buckets, table and key and imported jobs. */
export function buildLake(extra: Partial<EtlOrchestrationProps> = {}): Lake {
  const app = new App();
  const stack = new Stack(app, 'Lake', { env: { account: '123456789012', region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key');
  const job = (id: string, jobName: string) => glue.Job.fromJobAttributes(stack, id, { jobName });
  const orchestration = new EtlOrchestration(stack, 'Orchestration', {
    environmentName: 'dev',
    encryptionKey: key,
    collectBucket: new s3.Bucket(stack, 'Collect'),
    etlScriptsBucket: new s3.Bucket(stack, 'Scripts'),
    jobAuditTable: new dynamodb.Table(stack, 'Audit', { partitionKey: { name: 'execution_id', type: dynamodb.AttributeType.STRING } }),
    collectToCleanseJob: job('CollectJob', JOB_NAMES.collect),
    cleanseToConsumeJob: job('CleanseJob', JOB_NAMES.cleanse),
    consumeEntityMatchJob: job('EntityMatchJob', JOB_NAMES.entityMatch),
    ...extra,
  });
  const template = Template.fromStack(stack);
  return { stack, orchestration, template, asl: resolveStateMachineDefinition(template.toJSON()) };
}

export interface GlueCall { readonly stateName: string; readonly jobName: string; readonly args: { [key: string]: string } }
export interface Publish { readonly stateName: string; readonly subject: string; readonly status: string; readonly message: any }

export interface RunOutcome {
  readonly output?: any;
  readonly error?: Error;
  readonly glueCalls: GlueCall[];
  readonly lambdaCalls: Array<{ stateName: string; functionName: string; payload: any }>;
  readonly published: Publish[];
  /** Names of the states entered, in order. */
  readonly path: string[];
}

export interface RunOptions {
  /** Called for each Glue task; throw GlueJobRunFailed or TaskError to fail it. */
  readonly glue?: (call: GlueCall) => void | Promise<void>;
  /** Replaces the real auditor handler. */
  readonly auditor?: (payload: any, stateName: string) => unknown;
  /** Replaces the SNS publish recorder (after recording). */
  readonly publish?: (params: any, stateName: string) => void | Promise<void>;
}

/** Runs the lake's ASL locally with the given execution input. */
export async function runLocally(lake: Lake, input: unknown, options: RunOptions = {}): Promise<RunOutcome> {
  installPromiseWithResolvers();
  const glueCalls: GlueCall[] = [];
  const lambdaCalls: Array<{ stateName: string; functionName: string; payload: any }> = [];
  const published: Publish[] = [];
  const services: LocalServices = {
    glueJob: async (jobName, args, stateName) => {
      const call = { stateName, jobName, args };
      glueCalls.push(call);
      await options.glue?.(call);
    },
    invokeLambda: async (functionName, payload: any, stateName) => {
      lambdaCalls.push({ stateName, functionName, payload });
      return options.auditor ? options.auditor(payload, stateName) : auditorHandler(payload);
    },
    publish: async (params: any, stateName) => {
      published.push({
        stateName,
        subject: params.Subject,
        status: params.MessageAttributes?.status?.StringValue,
        message: typeof params.Message === 'string' ? JSON.parse(params.Message) : params.Message,
      });
      await options.publish?.(params, stateName);
    },
  };
  const machine = new StateMachine(lake.asl as any, { validationOptions: { checkArn: false, checkPaths: true } });
  const execution = machine.run(input as any, {
    overrides: {
      taskResourceLocalHandlers: localTaskHandlers(lake.asl, services),
      retryIntervalOverrides: noRetryWaits(lake.asl),
    },
    context: localContext('dev-insurancelake-etl-state-machine', 'local-test'),
  });
  const path: string[] = [];
  const collectPath = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') path.push((event as any).state.name);
    }
  })();
  let output: any;
  let error: Error | undefined;
  try {
    output = await execution.result;
  } catch (e) {
    error = e as Error;
  }
  await collectPath;
  return { output, error, glueCalls, lambdaCalls, published, path };
}
