import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import {
  GlueJobRunFailed, installPromiseWithResolvers, localContext, localTaskHandlers, noRetryWaits, withTaskTimeouts,
} from 'cdk-insurancelake/lib/local-runner';
import { loadHandler } from './lambda-handler';
import { LocalAws, plain } from './local-aws';
import { LocalFunction, LocalLake, LOCAL_PSEUDO } from './local-lake';
import { Progress } from './progress';
import { EngineError, SparkWorker } from './spark-worker';
import { ExecutionSummary, LineageRecord, RuleOutcome, StepRecord, summaryLabel, TableSample } from './summary';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as { StateMachine: typeof LocalStateMachine };

/** What the trigger Lambda returns (src/orchestration/lambda/trigger.lambda.ts). */
interface TriggerResult {
  readonly statusCode?: number;
  readonly body?: string;
  /** STARTED, QUEUED or REJECTED: the audit item it wrote; absent when it wrote none. */
  readonly status?: string;
  readonly executionId?: string;
}

/** Where each bucket of the lake lives on this machine. */
export interface LocalBuckets {
  readonly collect: string;
  readonly cleanse: string;
  readonly consume: string;
  readonly etlScripts: string;
  readonly glueTemp: string;
}

/** One Glue task run on its own (`insurancelake job`): its job, the arguments, and how it ended. */
export interface JobTaskRun {
  readonly jobName: string;
  /** The arguments the state machine's task passes (`--name` keys, the deployed lake's S3 URIs). */
  readonly runArgs: Record<string, string>;
  /** What the Spark worker receives: Glue's, the job's defaults and the run's, buckets as local folders. */
  readonly args: Record<string, string>;
  readonly outcome?: JobOutcome;
  readonly error?: string;
}

/** What the engine reports for one job run. */
export interface JobOutcome {
  readonly job: string;
  readonly rows_read?: number;
  readonly rows_written?: number;
  readonly rows_quarantined?: number;
  readonly table?: string | null;
  readonly partition?: string | null;
  /** The Spark SQL condition selecting the partition written (the engine's, so no one rebuilds it). */
  readonly partition_filter?: string | null;
}

/**
 * Drives files through the synthesized pipeline on this machine: S3 event → real trigger Lambda →
 * execution started in moto → the ASL run by aws-local-stepfunctions, whose Lambda tasks call the
 * bundled handlers in-process and whose Glue tasks run the engine in the Spark worker.
 */
export class LocalPipeline {
  private readonly handlers = new Map<string, (event: unknown) => Promise<unknown>>();
  private readonly ran = new Set<string>();
  private jobOutcomes: JobOutcome[] = [];

  constructor(
    private readonly lake: LocalLake,
    private readonly aws: LocalAws,
    private readonly worker: SparkWorker,
    private readonly buckets: LocalBuckets,
    private readonly progress: Progress,
    private readonly lambdaLog: (line: string) => void,
    /** Arguments only a local run passes every job (`--transform_modules_path`): added last. */
    private readonly localArguments: Record<string, string> = {},
  ) {
    installPromiseWithResolvers();
  }

  /** Send one Collect file (path relative to the Collect folder) through the pipeline. */
  async runFile(relativeKey: string): Promise<ExecutionSummary[]> {
    const key = relativeKey.split(path.sep).join('/');
    const folders = key.split('/').slice(0, -1);
    const [database = '', table = ''] = folders;
    const file = path.basename(key);
    const started = Date.now();
    let triggered: TriggerResult;
    try {
      triggered = await this.trigger(key);
    } catch (error) {
      return [failedBeforeStart(database, table, file, started, `trigger: ${(error as Error).message}`)];
    }
    const summaries: ExecutionSummary[] = [];
    // The trigger may start one execution (or queue it); dependants start when their turn comes.
    for (let pending = await this.newExecutions(); pending.length; pending = await this.newExecutions()) {
      for (const execution of pending) summaries.push(await this.runExecution(execution.name, execution.input));
    }
    if (!summaries.length) {
      const summary = await this.notStarted(triggered, database, table, file, started);
      this.progress.executionFinished(summaryLabel(summary), summary);
      summaries.push(summary);
    }
    return summaries;
  }

  /**
   * What became of a file that started no execution, as its audit item says: REJECTED with the
   * trigger's reasons, or QUEUED behind the table it depends on. A trigger that wrote no item (a
   * duplicate event) is IGNORED with the trigger's own words.
   */
  private async notStarted(triggered: TriggerResult, database: string, table: string, file: string, started: number): Promise<ExecutionSummary> {
    const audit = triggered?.executionId ? await this.auditItem(triggered.executionId) : undefined;
    const base = { ...failedBeforeStart(database, table, file, started, null), executionId: triggered?.executionId };
    if (triggered?.status === 'REJECTED') {
      return { ...base, status: 'REJECTED', error: String(audit?.error_message ?? triggered.body ?? 'rejected by the trigger') };
    }
    if (triggered?.status === 'QUEUED') {
      const waitsOn = audit?.dependency_key ? ` until ${audit.dependency_key} succeeds` : '';
      return { ...base, status: 'QUEUED', error: `queued${waitsOn}: it starts when the tables it depends on have loaded` };
    }
    return { ...base, status: 'IGNORED', error: String(triggered?.body ?? 'the trigger started nothing') };
  }

  /**
   * Drop one Collect file (a `/`-separated key) as `runFile` does, but run nothing: the executions
   * the real trigger started, with the input it gave them; when it started none, why (REJECTED,
   * QUEUED or IGNORED with the trigger's reason).
   */
  async triggerOnly(key: string): Promise<{ executions: { name: string; input: any }[]; notStarted?: string }> {
    const triggered = await this.trigger(key);
    const executions = await this.newExecutions();
    if (executions.length) return { executions };
    const [database = '', table = ''] = key.split('/');
    const summary = await this.notStarted(triggered, database, table, path.posix.basename(key), Date.now());
    return { executions, notStarted: `${summary.status}: ${summary.error}` };
  }

  /**
   * Run only the Glue task state of `engineJob` on an execution's input, as the state machine would
   * run it (the state's own Parameters, evaluated by aws-local-stepfunctions), without the rest of
   * the workflow. `execute: false` stops before the job runs: the arguments only.
   */
  async runJobTask(engineJob: string, executionName: string, input: any, execute: boolean): Promise<JobTaskRun> {
    const job = [...this.lake.jobs.values()].find((j) => j.engineJob === engineJob);
    const entry = Object.entries(this.lake.asl.States).find(([, s]) => s.Type === 'Task' && (s as any).Parameters?.JobName === job?.name);
    if (!job || !entry) throw new Error(`the synthesized lake has no Glue task for the ${engineJob} job`);
    const [stateName, state] = entry;
    const { Next: _next, Catch: _catch, Retry: _retry, ...task } = state as any;
    // The local interpreter would stop the task after 60 s; Glue lets it run (as runExecution does).
    const asl = withTaskTimeouts({ StartAt: stateName, States: { [stateName]: { ...task, End: true } } } as any, 3600) as any;
    const run: { jobName: string; runArgs: Record<string, string>; error?: string; outcome?: JobOutcome } = { jobName: job.name, runArgs: {} };
    const machine = new StateMachine(asl, { validationOptions: { checkArn: false, checkPaths: true } });
    const unexpected = () => {
      throw new Error(`state ${stateName} called a service other than Glue`);
    };
    const execution = machine.run(input, {
      overrides: {
        taskResourceLocalHandlers: localTaskHandlers(asl, {
          glueJob: async (jobName, args, name) => {
            run.runArgs = args;
            if (!execute) return;
            try {
              run.outcome = await this.glueJob(jobName, args, name);
            } catch (error) {
              run.error = (error as Error).message;
              throw error;
            }
          },
          invokeLambda: unexpected,
          publish: unexpected,
        }),
      },
      context: localContext(this.lake.stateMachineName, executionName, LOCAL_PSEUDO),
    });
    try {
      await execution.result;
    } catch (error) {
      run.error ??= (error as Error).message;
    }
    return { ...run, args: this.jobArguments(job.name, run.runArgs) };
  }

  /**
   * What the Spark worker receives for a run of Glue job `jobName`: the arguments Glue adds, the
   * job's default arguments, the run's arguments and the local ones, with the lake's buckets as
   * local folders.
   */
  jobArguments(jobName: string, runArgs: Record<string, string>): Record<string, string> {
    const job = this.lake.jobs.get(jobName);
    if (!job) throw new GlueJobRunFailed(`no Glue job named ${jobName} in the synthesized lake`);
    // Glue itself adds --JOB_NAME and --JOB_RUN_ID to every run's arguments.
    const glueArgs = { '--JOB_NAME': jobName, '--JOB_RUN_ID': `jr_local_${Date.now().toString(16)}`, ...job.defaultArguments, ...runArgs, ...this.localArguments };
    return Object.fromEntries(Object.entries(glueArgs).map(([k, v]) => [k, this.localUris(String(v))]));
  }

  /** Invoke the real trigger Lambda with the S3 event of one Collect file, as S3 would send it. */
  private async trigger(key: string): Promise<TriggerResult> {
    const trigger = this.functionByEnv('SFN_STATE_MACHINE_ARN', 'GLUE_SCRIPTS_BUCKET_NAME');
    // S3 sends the object's size with the event; the trigger rejects an empty file on it.
    const size = fs.statSync(path.join(this.buckets.collect, ...key.split('/'))).size;
    return (await this.invoke(trigger, s3Event(this.lake.bucketNames.collect, key, size))) as TriggerResult;
  }

  private async newExecutions(): Promise<{ name: string; input: any }[]> {
    // Only executions not run yet are described: each file's lookup costs the same however many ran before.
    const fresh = await this.aws.startedExecutions(this.lake.stateMachineArn, this.ran);
    fresh.forEach((e) => this.ran.add(e.name));
    return fresh;
  }

  private async runExecution(executionName: string, input: any): Promise<ExecutionSummary> {
    const started = Date.now();
    const label = `${input.target_database_name ?? '?'}/${input.table_name ?? '?'}/${input.base_file_name ?? '?'}`;
    this.jobOutcomes = [];
    const steps: StepRecord[] = [];
    const asl = withTaskTimeouts(this.lake.asl, 3600);
    const machine = new StateMachine(asl as any, { validationOptions: { checkArn: false, checkPaths: true } });
    const execution = machine.run(input, {
      overrides: {
        taskResourceLocalHandlers: localTaskHandlers(asl, {
          glueJob: async (jobName, args, stateName) => {
            await this.glueJob(jobName, args, stateName);
          },
          invokeLambda: (functionName, payload) => this.invoke(this.functionByName(functionName), payload),
          publish: (params) => this.publish(params),
        }),
        retryIntervalOverrides: noRetryWaits(asl),
      },
      context: localContext(this.lake.stateMachineName, executionName, LOCAL_PSEUDO),
    });
    this.progress.executionStarted(label);
    const entered = new Map<string, number>();
    const watch = (async () => {
      for await (const event of execution.eventLogs) {
        const e = event as any;
        if (e.type === 'StateEntered') {
          entered.set(e.state.name, Date.now());
          this.progress.stateEntered(label, e.state.name, e.state.type);
        } else if (e.type === 'StateExited') {
          const t0 = entered.get(e.state.name) ?? Date.now();
          steps.push({ name: e.state.name, status: 'SUCCEEDED', startedAt: t0, seconds: (Date.now() - t0) / 1000 });
          this.progress.stateExited(label, e.state.name, (Date.now() - t0) / 1000);
        } else if (e.type === 'StateFailed' || e.type === 'StateCaught' || e.type === 'StateRetried') {
          const t0 = entered.get(e.state?.name) ?? Date.now();
          const detail = e.Error ? `${e.Error}${e.Cause ? `: ${causeText(e.Cause).slice(0, 300)}` : ''}` : undefined;
          if (e.type !== 'StateRetried') {
            steps.push({ name: e.state.name, status: e.type === 'StateCaught' ? 'CAUGHT' : 'FAILED', startedAt: t0, seconds: (Date.now() - t0) / 1000, detail });
          }
          this.progress.stateProblem(label, e.state?.name, e.type, detail);
        }
      }
    })();
    let failure: string | null = null;
    try {
      await execution.result;
    } catch (error) {
      failure = (error as Error).message;
    }
    await watch.catch(() => undefined);
    const audit = await this.auditItem(input.execution_id);
    const status = failure ? 'FAILED' : String(audit?.job_latest_status ?? 'SUCCEEDED');
    const error = status === 'SUCCEEDED' ? null : String(audit?.error_message ?? failure ?? 'failed');
    const collect = this.jobOutcomes.find((o) => o.job === 'collect_to_cleanse');
    const consume = this.jobOutcomes.find((o) => o.job === 'cleanse_to_consume');
    const summary: ExecutionSummary = {
      database: String(input.target_database_name ?? ''),
      table: String(input.table_name ?? ''),
      file: String(input.base_file_name ?? ''),
      status,
      rows_read: collect?.rows_read ?? null,
      rows_cleanse: collect?.rows_written ?? null,
      rows_consume: consume?.table ? consume.rows_written ?? null : null,
      rows_quarantined: sumQuarantined(this.jobOutcomes),
      duration_s: round((Date.now() - started) / 1000),
      error,
      executionId: input.execution_id,
      executionName,
      steps,
      dq: await this.dqOutcomes(input.execution_id),
      lineage: await this.lineage(input.execution_id),
      tables: await this.samples(collect, consume),
    };
    this.progress.executionFinished(label, summary);
    return summary;
  }

  private async glueJob(jobName: string, runArgs: Record<string, string>, stateName: string): Promise<JobOutcome> {
    const args = this.jobArguments(jobName, runArgs);
    const job = this.lake.jobs.get(jobName)!;
    const stop = this.progress.busy(stateName);
    try {
      const outcome = await this.worker.request<JobOutcome>('job', { job: job.engineJob, args });
      this.jobOutcomes.push(outcome);
      return outcome;
    } catch (error) {
      if (error instanceof EngineError) throw new GlueJobRunFailed(`${error.kind}: ${error.message}`);
      throw error;
    } finally {
      stop();
    }
  }

  /** Replace `s3://<lake bucket>` by the bucket's local folder as a `file://` URI. */
  private localUris(value: string): string {
    const names = this.lake.bucketNames;
    const pairs: [string, string][] = [
      [names.collect, this.buckets.collect],
      [names.cleanse, this.buckets.cleanse],
      [names.consume, this.buckets.consume],
      [names.etlScripts, this.buckets.etlScripts],
      [names.glueTemp, this.buckets.glueTemp],
    ];
    let out = value;
    for (const [bucket, dir] of pairs) out = out.split(`s3://${bucket}`).join(`file://${dir}`);
    return out;
  }

  private functionByName(name: string): LocalFunction {
    const fn = this.lake.functions.find((f) => f.name === name);
    if (!fn) throw new Error(`no Lambda function named ${name} in the synthesized lake`);
    return fn;
  }

  private functionByEnv(...keys: string[]): LocalFunction {
    const fn = this.lake.functions.find((f) => keys.every((k) => k in f.environment));
    if (!fn) throw new Error(`no Lambda function with environment ${keys.join(', ')} in the synthesized lake`);
    return fn;
  }

  /** Call a bundled handler in this process with its function's environment, as Lambda would. */
  private async invoke(fn: LocalFunction, event: unknown): Promise<unknown> {
    let handler = this.handlers.get(fn.name);
    if (!handler) {
      handler = loadHandler(fn.handlerFile)[fn.handlerExport] as (event: unknown) => Promise<unknown>;
      this.handlers.set(fn.name, handler);
    }
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(fn.environment)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    // What the function logs goes where CloudWatch Logs would have it: the run's Lambda log.
    const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const original = consoleMethods.map((m) => console[m]);
    for (const m of consoleMethods) console[m] = (...parts: unknown[]) => this.lambdaLog(`${fn.name} ${parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')}`);
    try {
      return await handler(event);
    } finally {
      consoleMethods.forEach((m, i) => (console[m] = original[i]));
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  /** SNS publish to moto, then what the topic's subscriptions would do: the dependency trigger. */
  private async publish(params: Record<string, any>): Promise<void> {
    await this.aws.publish(params);
    const dependencyTrigger = this.lake.functions.find((f) => /dependency/i.test(f.logicalId));
    if (!dependencyTrigger || !matchesFilter(this.lake.template, params.MessageAttributes)) return;
    await this.invoke(dependencyTrigger, snsEvent(this.lake.topicArn, params));
  }

  private async auditItem(executionId: string): Promise<Record<string, any> | undefined> {
    const items = await this.aws.itemsByKey(this.lake.tableNames.audit, 'execution_id', executionId);
    return items[0] ? Object.fromEntries(Object.entries(items[0]).map(([k, v]) => [k, plain(v)])) : undefined;
  }

  private async dqOutcomes(executionId: string): Promise<RuleOutcome[]> {
    const items = await this.aws.itemsByKey(this.lake.tableNames.dqResults, 'execution_id', executionId).catch(() => []);
    return items.map((item) => ({
      stage: String(plain(item.ruleset_name) ?? ''),
      action: String(plain(item.rule_action) ?? ''),
      rule: String(plain(item.Rule) ?? ''),
      outcome: String(plain(item.Outcome) ?? ''),
      reason: String(plain(item.FailureReason) ?? ''),
    }));
  }

  private async lineage(executionId: string): Promise<LineageRecord[]> {
    if (!this.lake.tableNames.lineage) return [];
    const items = await this.aws.itemsByKey(this.lake.tableNames.lineage, 'step_function_execution_id', executionId).catch(() => []);
    // Job run ids grow with time, so sorting by (job run, sequence) gives the order things happened.
    return items
      .map((i) => ({
        jobRun: String(plain(i.job_id) ?? ''),
        job: String(plain(i.job_name) ?? ''),
        seq: Number(plain(i.operation_seq)),
        operation: String(plain(i.dataset_operation) ?? ''),
        info: String(plain(i.info) ?? ''),
      }))
      .sort((a, b) => a.jobRun.localeCompare(b.jobRun) || a.seq - b.seq)
      .map(({ job, seq, operation, info }) => ({ job, seq, operation, info }));
  }

  private async samples(...outcomes: (JobOutcome | undefined)[]): Promise<TableSample[]> {
    const out: TableSample[] = [];
    for (const outcome of outcomes) {
      if (!outcome?.table) continue;
      try {
        const where = outcome.partition_filter ? ` WHERE ${outcome.partition_filter}` : '';
        const sample = await this.worker.request<any>('query', { sql: `SELECT * FROM ${outcome.table}${where}`, limit: 5 });
        const count = await this.worker.request<any>('query', { sql: `SELECT COUNT(*) FROM ${outcome.table}${where}` });
        out.push({ table: outcome.table + (outcome.partition ? ` (${outcome.partition})` : ''), columns: sample.columns, rows: sample.rows, count: Number(count.rows[0][0]) });
      } catch {
        // a sample is a nicety of the report; the run's outcome does not depend on it
      }
    }
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function sumQuarantined(outcomes: JobOutcome[]): number | null {
  const values = outcomes.map((o) => o.rows_quarantined).filter((v): v is number => typeof v === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

function failedBeforeStart(database: string, table: string, file: string, started: number, error: string | null): ExecutionSummary {
  return {
    database,
    table,
    file,
    status: 'FAILED',
    rows_read: null,
    rows_cleanse: null,
    rows_consume: null,
    rows_quarantined: null,
    duration_s: round((Date.now() - started) / 1000),
    error,
    steps: [],
    dq: [],
    lineage: [],
    tables: [],
  };
}

/** The S3 ObjectCreated:Put notification for a key of `size` bytes, encoded as S3 encodes keys in events. */
export function s3Event(bucket: string, key: string, size: number): unknown {
  const encoded = encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
  return {
    Records: [{
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: LOCAL_PSEUDO.region,
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'insurancelake-local' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      s3: { s3SchemaVersion: '1.0', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encoded, size } },
    }],
  };
}

function snsEvent(topicArn: string, params: Record<string, any>): unknown {
  const attributes = Object.fromEntries(
    Object.entries<any>(params.MessageAttributes ?? {}).map(([k, v]) => [k, { Type: v.DataType ?? 'String', Value: v.StringValue }]),
  );
  return {
    Records: [{
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      Sns: {
        Type: 'Notification',
        TopicArn: topicArn,
        Subject: params.Subject ?? null,
        Message: typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message),
        Timestamp: new Date().toISOString(),
        MessageAttributes: attributes,
      },
    }],
  };
}

/** Whether the message attributes pass the filter policy of the topic's Lambda subscription. */
function matchesFilter(template: any, attributes: Record<string, any> | undefined): boolean {
  const subscription = Object.values<any>(template.Resources ?? {}).find((r) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'lambda');
  const policy = subscription?.Properties?.FilterPolicy as Record<string, unknown[]> | undefined;
  if (!subscription) return false;
  if (!policy) return true;
  return Object.entries(policy).every(([name, allowed]) => allowed.includes(attributes?.[name]?.StringValue));
}

/**
 * What a failed state's Cause says: a Glue task's Cause is the JobRun as JSON (as Step Functions
 * gives it), whose ErrorMessage is the engine's message; anything else as it is.
 */
export function causeText(cause: unknown): string {
  const text = String(cause);
  try {
    const run = JSON.parse(text);
    if (run && typeof run.ErrorMessage === 'string') return `${run.JobName ?? 'Glue job'} ${run.JobRunState ?? 'FAILED'}: ${run.ErrorMessage}`;
  } catch {
    // not JSON: a Lambda's or the state machine's own cause
  }
  return text;
}
