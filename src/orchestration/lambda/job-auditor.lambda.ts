// Job auditor: the state machine calls it on the success and on the failure path with
// `{Input: <state>}` and it records the outcome on the audit item (infrastructure.md §10.3).
import { AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoClient, log, requiredEnv } from './clients';
import { formatAuditTimestamp, fromDate } from './time';
import { AuditAttr, AuditStatus, ExecutionInput, LambdaEnv } from '../../contract';

/** The auditor's event: the whole state-machine state under `Input`. */
export interface AuditorEvent {
  readonly Input: {
    readonly [key: string]: unknown;
    readonly taskresult?: { readonly JobRunState?: string; readonly Error?: string; readonly Cause?: string; readonly [key: string]: unknown };
  };
}

/** What the auditor returns (it becomes `Payload` of `$.status_update_result`). */
export interface AuditorResult {
  readonly statusCode: number;
  readonly body: string;
}

/** The failure text of a caught error: `ErrorMessage` (else `JobRunState`) of a JSON Cause, or the Cause itself. */
export function errorMessageFrom(taskResult: { readonly Error?: string; readonly Cause?: string } | undefined): string {
  const cause = taskResult?.Cause;
  if (cause === undefined || cause === null) return taskResult?.Error ?? 'unknown error (no Cause in the task result)';
  try {
    const parsed = JSON.parse(cause);
    if (parsed && typeof parsed === 'object') {
      const message = parsed.ErrorMessage ?? parsed.JobRunState;
      if (message !== undefined) return String(message);
    }
    return cause;
  } catch {
    return cause;
  }
}

/** Lambda entry point. */
export async function handler(event: AuditorEvent): Promise<AuditorResult> {
  const table = requiredEnv(LambdaEnv.DYNAMODB_TABLE_NAME);
  const input = event.Input ?? {};
  const executionId = input[ExecutionInput.EXECUTION_ID];
  if (typeof executionId !== 'string' || !executionId) {
    throw new Error(`auditor input has no ${ExecutionInput.EXECUTION_ID}; expected the execution input under "Input"`);
  }
  const now = formatAuditTimestamp(fromDate(new Date()));
  const taskResult = input.taskresult;
  const jobRunState = taskResult?.JobRunState;

  const names: Record<string, string> = { '#s': AuditAttr.JOB_LATEST_STATUS, '#t': AuditAttr.JOB_LAST_UPDATED_TIMESTAMP };
  const values: Record<string, AttributeValue> = { ':t': { S: now } };
  let update = 'SET #s = :s, #t = :t';
  let status: string;
  let errorMessage: string | undefined;
  if (typeof jobRunState === 'string' && jobRunState) {
    status = jobRunState;
  } else {
    status = AuditStatus.FAILED;
    errorMessage = errorMessageFrom(taskResult);
    names['#e'] = AuditAttr.ERROR_MESSAGE;
    values[':e'] = { S: errorMessage };
    update += ', #e = :e';
  }
  values[':s'] = { S: status };

  // UpdateItem creates the item when it is missing (an execution started by hand).
  await dynamoClient().send(new UpdateItemCommand({
    TableName: table,
    Key: { [AuditAttr.EXECUTION_ID]: { S: executionId } },
    UpdateExpression: update,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  }));
  const body = errorMessage === undefined
    ? `Updated ${executionId} to ${status}`
    : `Updated ${executionId} to ${status}: ${errorMessage}`;
  log('INFO', body, { execution_id: executionId, status });
  return { statusCode: 200, body };
}
