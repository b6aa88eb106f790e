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

type Template = { Resources?: { [logicalId: string]: { Type: string; Properties?: any } } };

const NAME_PROPERTY: { [type: string]: string } = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Glue::Job': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
};

/**
 * The ASL of the (only, or the named) state machine in a synthesized template. `Ref`s resolve to the
 * resource's physical name when the template sets one (else the logical ID); `Fn::GetAtt …Arn` to an
 * ARN built from that name; pseudo parameters to the given values.
 */
export function resolveStateMachineDefinition(template: unknown, options: { logicalId?: string; pseudo?: PseudoParameters } = {}): AslDefinition {
  const resources = (template as Template).Resources ?? {};
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
  const physicalName = (logicalId: string): string => {
    const r = resources[logicalId];
    const prop = r ? NAME_PROPERTY[r.Type] : undefined;
    const value = prop ? r!.Properties?.[prop] : undefined;
    return typeof value === 'string' ? value : logicalId;
  };
  const arnOf = (logicalId: string): string => {
    const type = resources[logicalId]?.Type;
    const name = physicalName(logicalId);
    const prefix = `arn:${pseudo.partition}`;
    switch (type) {
      case 'AWS::Lambda::Function': return `${prefix}:lambda:${pseudo.region}:${pseudo.accountId}:function:${name}`;
      case 'AWS::Glue::Job': return `${prefix}:glue:${pseudo.region}:${pseudo.accountId}:job/${name}`;
      case 'AWS::SNS::Topic': return `${prefix}:sns:${pseudo.region}:${pseudo.accountId}:${name}`;
      default: return `${prefix}:local:${pseudo.region}:${pseudo.accountId}:${name}`;
    }
  };
  const resolve = (value: any): string => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      if ('Ref' in value) {
        switch (value.Ref) {
          case 'AWS::Partition': return pseudo.partition;
          case 'AWS::Region': return pseudo.region;
          case 'AWS::AccountId': return pseudo.accountId;
          case 'AWS::URLSuffix': return pseudo.urlSuffix;
          default:
            // A topic's Ref is its ARN.
            return resources[value.Ref]?.Type === 'AWS::SNS::Topic' ? arnOf(value.Ref) : physicalName(value.Ref);
        }
      }
      if ('Fn::GetAtt' in value) {
        const [logicalId, attr] = value['Fn::GetAtt'] as [string, string];
        if (attr === 'Arn' || attr === 'TopicArn') return arnOf(logicalId);
        if (attr === 'Name' || attr === 'TopicName') return physicalName(logicalId);
        throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attr} in the state machine definition`);
      }
      if ('Fn::Join' in value) {
        const [sep, parts] = value['Fn::Join'] as [string, any[]];
        return parts.map(resolve).join(sep);
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)} in the state machine definition`);
  };
  const [, machine] = chosen[0];
  const definition = machine.Properties?.DefinitionString ?? machine.Properties?.Definition;
  const text = typeof definition === 'object' && definition && !('Fn::Join' in definition) && !('Ref' in definition)
    ? JSON.stringify(definition)
    : resolve(definition);
  return JSON.parse(text) as AslDefinition;
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
