import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Configuration, InsuranceLake, TransformModules } from 'cdk-insurancelake';
import {
  AslDefinition, InsuranceLakeError, JobKey, PseudoParameters, resolveStateMachineDefinition, resolveTemplateValue,
} from 'cdk-insurancelake/lib/local-runner';
import { InputError } from './errors';
import { TRANSFORMS_HINT } from './local-extras';
import { cliTempDir } from './process-group';

/** The account and region of the local lake: names of buckets and ARNs carry them. */
export const LOCAL_PSEUDO: Required<PseudoParameters> = {
  partition: 'aws',
  region: 'us-east-2',
  accountId: '123456789012',
  urlSuffix: 'amazonaws.com',
};

/** The engine job a Glue job runs: its contract.json job key, which the worker takes as the job name. */
export type EngineJob = JobKey;

/** A Lambda function of the synthesized lake: its bundled handler file and its environment. */
export interface LocalFunction {
  readonly logicalId: string;
  readonly name: string;
  readonly handlerFile: string;
  readonly handlerExport: string;
  readonly environment: Record<string, string>;
}

/** A Glue job of the synthesized lake: which engine job it runs and its default arguments. */
export interface LocalJob {
  readonly name: string;
  readonly engineJob: EngineJob;
  readonly defaultArguments: Record<string, string>;
}

/** A DynamoDB table definition, as CreateTable takes it. */
export interface LocalTable {
  readonly name: string;
  readonly properties: Record<string, any>;
}

/** Everything the local runner needs from one synthesis of a default `InsuranceLake`. */
export interface LocalLake {
  readonly template: any;
  readonly asl: AslDefinition;
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  readonly functions: LocalFunction[];
  readonly jobs: Map<string, LocalJob>;
  readonly tables: LocalTable[];
  readonly bucketNames: { collect: string; cleanse: string; consume: string; etlScripts: string; glueTemp: string };
  readonly tableNames: { audit: string; valueLookup: string; multiLookup: string; hashValues: string; dqResults: string; lineage?: string };
  readonly topicArn: string;
  readonly synthSeconds: number;
}

/**
 * Synthesize the lake a user would deploy (default props, environment Dev, and the configuration
 * the run reads, so `run --config X` checks X exactly as `configurationPath: X` does at synth) and
 * read out of the template the state machine, Lambda handlers, Glue job arguments and table
 * definitions. The same ASL that deploys is the one the runner executes.
 */
export function synthesizeLocalLake(options: {
  entityMatch: boolean;
  configuration?: Configuration;
  /** The user's transform modules (`--transforms`), checked with the configuration as at `cdk synth`. */
  transformModules?: TransformModules;
  /** Naming of a deployed lake (`insurancelake job --aws`); default the construct's defaults. */
  environmentName?: string;
  resourcePrefix?: string;
  /** Account and region the names carry; default {@link LOCAL_PSEUDO}. */
  pseudo?: Required<PseudoParameters>;
}): LocalLake {
  const pseudo = options.pseudo ?? LOCAL_PSEUDO;
  const started = Date.now();
  // aws-cdk-lib's CloudFormation rule engine costs ~90 % of a synthesis; this one only feeds the
  // local run (the deployable template is validated by the tests and by `cdk synth`).
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  const outdir = fs.mkdtempSync(path.join(cliTempDir(), 'synth-'));
  // Asset metadata without staging points each Lambda at its bundle inside this package, where the
  // handler's external AWS SDK modules resolve; no Docker bundling ever runs.
  const app = new App({
    outdir,
    context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:disable-asset-staging': true, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new Stack(app, 'InsuranceLakeLocal', { env: { account: pseudo.accountId, region: pseudo.region } });
  let lake: InsuranceLake;
  let template: any;
  try {
    lake = new InsuranceLake(stack, 'Lake', {
      entityMatch: options.entityMatch,
      configuration: options.configuration,
      transformModules: options.transformModules,
      environmentName: options.environmentName,
      resourcePrefix: options.resourcePrefix,
    });
    // Only the template is read: the assembly folder goes at once (the handlers are the package's bundles).
    template = app.synth().getStackByName(stack.stackName).template;
  } catch (error) {
    // The configuration checked with the transform modules (at bind, as `cdk synth` checks it).
    if (error instanceof InsuranceLakeError) {
      const hint = error.id === 'Configuration.Invalid' && !options.transformModules && /(unknown|invalid) key "/.test(error.message)
        ? `\n${TRANSFORMS_HINT}` : '';
      throw new InputError(error.message + hint);
    }
    throw error;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  }
  const resources: Record<string, { Type: string; Properties?: any; Metadata?: any }> = template.Resources ?? {};
  const resolve = (value: unknown) => resolveTemplateValue(template, value, pseudo);
  const name = (token: string) => String(resolve(stack.resolve(token)));

  const functions: LocalFunction[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    const [file, exported] = String(resource.Properties?.Handler ?? 'index.handler').split('.');
    if (!assetPath) continue; // inline helpers CDK adds (e.g. log retention) never run locally
    functions.push({
      logicalId,
      name: String(resolve(resource.Properties?.FunctionName ?? { Ref: logicalId })),
      handlerFile: path.resolve(outdir, assetPath, `${file}.js`),
      handlerExport: exported,
      environment: Object.fromEntries(
        Object.entries<unknown>(resource.Properties?.Environment?.Variables ?? {}).map(([k, v]) => [k, String(resolve(v))]),
      ),
    });
  }

  const jobs = new Map<string, LocalJob>();
  const addJob = (job: { jobName: string } | undefined, engineJob: EngineJob) => {
    if (!job) return;
    const jobName = name(job.jobName);
    const resource = Object.values(resources).find((r) => r.Type === 'AWS::Glue::Job' && resolve(r.Properties?.Name) === jobName);
    const defaults = Object.fromEntries(
      Object.entries<unknown>(resource?.Properties?.DefaultArguments ?? {}).map(([k, v]) => [k, String(resolve(v))]),
    );
    jobs.set(jobName, { name: jobName, engineJob, defaultArguments: defaults });
  };
  addJob(lake.collectToCleanseJob, 'collect_to_cleanse');
  addJob(lake.cleanseToConsumeJob, 'cleanse_to_consume');
  addJob(lake.consumeEntityMatchJob, 'consume_entity_match');

  const tables: LocalTable[] = Object.values(resources)
    .filter((r) => r.Type === 'AWS::DynamoDB::Table')
    .map((r) => ({ name: String(resolve(r.Properties.TableName)), properties: r.Properties }));

  const machine = Object.entries(resources).find(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  if (!machine) throw new Error('the synthesized InsuranceLake has no state machine');
  const stateMachineName = String(resolve(machine[1].Properties?.StateMachineName ?? machine[0]));
  const topic = Object.entries(resources).find(([, r]) => r.Type === 'AWS::SNS::Topic');
  return {
    template,
    asl: resolveStateMachineDefinition(template, { pseudo }),
    stateMachineName,
    stateMachineArn: `arn:aws:states:${pseudo.region}:${pseudo.accountId}:stateMachine:${stateMachineName}`,
    functions,
    jobs,
    tables,
    bucketNames: {
      collect: name(lake.collectBucket.bucketName),
      cleanse: name(lake.cleanseBucket.bucketName),
      consume: name(lake.consumeBucket.bucketName),
      etlScripts: name(lake.etlScriptsBucket.bucketName),
      glueTemp: name(lake.glueTempBucket.bucketName),
    },
    tableNames: {
      audit: name(lake.jobAuditTable.tableName),
      valueLookup: name(lake.valueLookupTable.tableName),
      multiLookup: name(lake.multiLookupTable.tableName),
      hashValues: name(lake.hashValuesTable.tableName),
      dqResults: name(lake.dqResultsTable.tableName),
      lineage: lake.dataLineageTable ? name(lake.dataLineageTable.tableName) : undefined,
    },
    topicArn: String(resolve({ Ref: topic?.[0] })),
    synthSeconds: (Date.now() - started) / 1000,
  };
}
