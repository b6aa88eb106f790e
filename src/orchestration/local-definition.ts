// Runs the synthesized state machine on one machine (DESIGN.md §5): turns the template's
// DefinitionString into plain ASL and maps its Task states to local functions in the shape that
// `aws-local-stepfunctions` expects (`overrides.taskResourceLocalHandlers`, keyed by state name).
//
// Internal module: not exported from index.ts, and it does not import aws-local-stepfunctions (an
// ES module), so the construct library stays free of it; callers pass the handlers map on.

/** A plain ASL document. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: { [name: string]: AslState };
  readonly [key: string]: unknown;
}

/** One ASL state (only the fields this module reads are typed). */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: { [key: string]: unknown };
  readonly TimeoutSeconds?: number;
  readonly [key: string]: unknown;
}

/** Values for CloudFormation pseudo parameters while resolving the definition. */
export interface PseudoParameters {
  readonly partition?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly urlSuffix?: string;
}

type Resources = Record<string, { Type: string; Properties?: any }>;

const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Glue::Job': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
};

const ARN_SERVICE: Record<string, (region: string, account: string, name: string) => string> = {
  'AWS::Lambda::Function': (r, a, n) => `lambda:${r}:${a}:function:${n}`,
  'AWS::Glue::Job': (r, a, n) => `glue:${r}:${a}:job/${n}`,
  'AWS::SNS::Topic': (r, a, n) => `sns:${r}:${a}:${n}`,
  'AWS::StepFunctions::StateMachine': (r, a, n) => `states:${r}:${a}:stateMachine:${n}`,
  'AWS::DynamoDB::Table': (r, a, n) => `dynamodb:${r}:${a}:table/${n}`,
  'AWS::S3::Bucket': (_r, _a, n) => `s3:::${n}`,
};

/**
 * The value a CloudFormation expression in `template` takes in the local lake: `Ref` gives the
 * physical name (an ARN for topics and state machines, as CloudFormation does), `Fn::GetAtt …Arn`
 * an ARN, `Fn::Join` / `Fn::Select` / `Fn::Sub` their results; pseudo parameters the given values.
 */
export function resolveTemplateValue(template: unknown, value: unknown, pseudo: Required<PseudoParameters>): unknown {
  const resources: Resources = (template as { Resources?: Resources }).Resources ?? {};
  const physicalName = (id: string): string => {
    const r = resources[id];
    const v = r ? r.Properties?.[NAME_PROPERTY[r.Type] ?? ''] : undefined;
    return v === undefined ? id : String(resolve(v));
  };
  const arn = (id: string): string => {
    const make = ARN_SERVICE[resources[id]?.Type ?? ''];
    const name = physicalName(id);
    return make ? `arn:${pseudo.partition}:${make(pseudo.region, pseudo.accountId, name)}` : `arn:${pseudo.partition}:local:${pseudo.region}:${pseudo.accountId}:${name}`;
  };
  const pseudoValue = (name: string): string | undefined => ({
    'AWS::Partition': pseudo.partition, 'AWS::Region': pseudo.region, 'AWS::AccountId': pseudo.accountId, 'AWS::URLSuffix': pseudo.urlSuffix,
  } as Record<string, string>)[name];
  function resolve(v: any): unknown {
    if (Array.isArray(v)) return v.map(resolve);
    if (!v || typeof v !== 'object') return v;
    if ('Ref' in v) {
      const p = pseudoValue(v.Ref);
      if (p !== undefined) return p;
      const type = resources[v.Ref]?.Type;
      return type === 'AWS::SNS::Topic' || type === 'AWS::StepFunctions::StateMachine' ? arn(v.Ref) : physicalName(v.Ref);
    }
    if ('Fn::GetAtt' in v) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      return /Arn$/.test(attr) ? arn(id) : physicalName(id);
    }
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return (resolve(parts) as unknown[]).join(sep);
    }
    if ('Fn::Select' in v) {
      const [index, list] = v['Fn::Select'] as [number, unknown];
      return (resolve(list) as unknown[])[Number(index)];
    }
    if ('Fn::Sub' in v) {
      const [text, vars] = Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'] : [v['Fn::Sub'], {}];
      return String(text).replace(/\$\{([^}]+)\}/g, (_m: string, name: string) => {
        if (name in vars) return String(resolve(vars[name]));
        const p = pseudoValue(name);
        if (p !== undefined) return p;
        const [id, attr] = name.split('.');
        return attr ? String(resolve({ 'Fn::GetAtt': [id, attr] })) : String(resolve({ Ref: id }));
      });
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  }
  return resolve(value);
}

/**
 * The ASL of the (only, or the named) state machine in a synthesized template, with every
 * CloudFormation expression in its definition resolved by {@link resolveTemplateValue}.
 */
export function resolveStateMachineDefinition(template: unknown, options: { logicalId?: string; pseudo?: PseudoParameters } = {}): AslDefinition {
  const resources = (template as { Resources?: Resources }).Resources ?? {};
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const chosen = options.logicalId ? machines.filter(([id]) => id === options.logicalId) : machines;
  if (chosen.length !== 1) {
    throw new Error(`expected exactly one AWS::StepFunctions::StateMachine${options.logicalId ? ` with logical ID ${options.logicalId}` : ''} in the template, found ${chosen.length}`);
  }
  const pseudo = {
    partition: options.pseudo?.partition ?? 'aws',
    region: options.pseudo?.region ?? 'us-east-1',
    accountId: options.pseudo?.accountId ?? '123456789012',
    urlSuffix: options.pseudo?.urlSuffix ?? 'amazonaws.com',
  };
  const [, machine] = chosen[0];
  const definition = machine.Properties?.DefinitionString ?? machine.Properties?.Definition;
  const resolved = resolveTemplateValue(template, definition, pseudo);
  return (typeof resolved === 'string' ? JSON.parse(resolved) : resolved) as AslDefinition;
}

/**
 * A copy of the definition in which every Task state without `TimeoutSeconds` gets one: AWS lets a
 * task run for up to a year, while the local interpreter stops a task after 60 s, which is too short
 * for a Spark job.
 */
export function withTaskTimeouts(asl: AslDefinition, seconds: number): AslDefinition {
  const states: { [name: string]: AslState } = {};
  for (const [name, state] of Object.entries(asl.States)) {
    states[name] = state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined
      ? { ...state, TimeoutSeconds: seconds }
      : state;
  }
  return { ...asl, States: states };
}

/** A Glue job run that ended in a state other than SUCCEEDED (reported as `States.TaskFailed`). */
export class GlueJobRunFailed extends Error {
  constructor(message: string, public readonly jobRunState: string = 'FAILED') {
    super(message);
    this.name = 'GlueJobRunFailed';
  }
}

/** An error a local task raises with an exact Step Functions error name (e.g. `Glue.ConcurrentRunsExceededException`). */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** The local implementations behind the service integrations of the workflow. */
export interface LocalServices {
  /** `glue:startJobRun.sync`: run the job to completion; throw {@link GlueJobRunFailed} when it fails. */
  glueJob(jobName: string, args: { [key: string]: string }, stateName: string): Promise<void> | void;
  /** `lambda:invoke`: the function's result (the Payload). */
  invokeLambda(functionName: string, payload: unknown, stateName: string): Promise<unknown> | unknown;
  /** `sns:publish`: the ASL parameters (TopicArn, Message, Subject, MessageAttributes). */
  publish(params: { [key: string]: unknown }, stateName: string): Promise<void> | void;
}

/** Local handler of one Task state, as aws-local-stepfunctions calls it. */
export type LocalTaskHandler = (input: any) => Promise<any>;

let runCounter = 0;

function lambdaName(functionRef: string): string {
  // Function name, name:alias, or ARN (arn:...:function:name[:alias]).
  const m = /:function:([^:]+)/.exec(functionRef);
  return m ? m[1] : functionRef.split(':')[0];
}

/**
 * `taskResourceLocalHandlers` for every Task state of the definition, with the results shaped as the
 * real service integrations return them: the Glue JobRun (`JobRunState`), the Lambda invoke response
 * (`Payload`, `StatusCode`), the SNS `MessageId`. Failures carry the names Step Functions uses, so
 * Retry and Catch behave as deployed: a failed job run is `States.TaskFailed` with the JobRun as JSON
 * `Cause`; a Lambda error is the error's name with `{errorType, errorMessage}` as `Cause`.
 */
export function localTaskHandlers(asl: AslDefinition, services: LocalServices): { [stateName: string]: LocalTaskHandler } {
  const handlers: { [stateName: string]: LocalTaskHandler } = {};
  for (const [stateName, state] of Object.entries(asl.States)) {
    if (state.Type !== 'Task') continue;
    const resource = state.Resource ?? '';
    if (/:states:::glue:startJobRun(\.sync)?$/.test(resource)) {
      handlers[stateName] = async (input) => {
        const jobName = String(input.JobName);
        const args: { [key: string]: string } = { ...(input.Arguments ?? {}) };
        const id = `jr_local_${Date.now().toString(16)}_${(++runCounter).toString(16)}`;
        const started = new Date().toISOString();
        try {
          await services.glueJob(jobName, args, stateName);
        } catch (e) {
          if (e instanceof TaskError) throw e;
          const failed = e instanceof GlueJobRunFailed;
          const run = {
            Id: id,
            JobName: jobName,
            Arguments: args,
            StartedOn: started,
            CompletedOn: new Date().toISOString(),
            JobRunState: failed ? (e as GlueJobRunFailed).jobRunState : 'FAILED',
            ErrorMessage: (e as Error).message,
          };
          throw new TaskError('States.TaskFailed', JSON.stringify(run));
        }
        return {
          Id: id,
          JobName: jobName,
          Arguments: args,
          Attempt: 0,
          StartedOn: started,
          CompletedOn: new Date().toISOString(),
          JobRunState: 'SUCCEEDED',
        };
      };
    } else if (/:states:::lambda:invoke$/.test(resource)) {
      handlers[stateName] = async (input) => {
        let payload: unknown;
        try {
          payload = await services.invokeLambda(lambdaName(String(input.FunctionName)), input.Payload, stateName);
        } catch (e) {
          if (e instanceof TaskError) throw e;
          const err = e as Error;
          throw new TaskError(err.name || 'Error', JSON.stringify({ errorType: err.name, errorMessage: err.message }));
        }
        return { ExecutedVersion: '$LATEST', Payload: payload ?? null, StatusCode: 200 };
      };
    } else if (/:states:::sns:publish$/.test(resource)) {
      handlers[stateName] = async (input) => {
        try {
          await services.publish(input, stateName);
        } catch (e) {
          if (e instanceof TaskError) throw e;
          throw new TaskError('SNS.SnsException', (e as Error).message);
        }
        return { MessageId: `local-${Date.now().toString(16)}-${(++runCounter).toString(16)}` };
      };
    } else {
      throw new Error(`state ${stateName}: no local implementation for resource ${resource}`);
    }
  }
  return handlers;
}

/** Zero retry waits for every state with a Retry (local runs need not back off). */
export function noRetryWaits(asl: AslDefinition): { [stateName: string]: number } {
  const out: { [stateName: string]: number } = {};
  for (const [name, state] of Object.entries(asl.States)) {
    if (Array.isArray(state.Retry)) out[name] = 0;
  }
  return out;
}

/** The context object (`$$`) of a local execution. */
export function localContext(stateMachineName: string, executionName: string, pseudo: PseudoParameters = {}): { [key: string]: unknown } {
  const base = `arn:${pseudo.partition ?? 'aws'}:states:${pseudo.region ?? 'us-east-1'}:${pseudo.accountId ?? '123456789012'}`;
  return {
    StateMachine: { Id: `${base}:stateMachine:${stateMachineName}`, Name: stateMachineName },
    Execution: { Id: `${base}:execution:${stateMachineName}:${executionName}`, Name: executionName },
  };
}

/**
 * Node 20 lacks `Promise.withResolvers` (Node 22), the only newer API aws-local-stepfunctions uses.
 * Call before running a state machine.
 */
export function installPromiseWithResolvers(): void {
  const P = Promise as any;
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
