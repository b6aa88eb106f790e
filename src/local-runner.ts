// The internal entry point of the `insurancelake` CLI (package cdk-insurancelake-cli, packages/cli):
// what it needs from this library besides the public API, in one place, so the CLI never reaches
// into other files of lib/. Not exported from index.ts: not part of the jsii API, no compatibility
// promise beyond "the CLI of the same release works with it". Nothing in this library imports the CLI.
export type { JobKey } from './contract';
export { ConfigurationLayout, contractJob } from './contract';
export { InsuranceLakeError } from './errors';
export { closeMatch } from './etl/close-match';
export { resolveLakeSettings } from './lake-settings';
export { configurationFileKind } from './etl/configuration-layout';
export type { AslDefinition, PseudoParameters } from './orchestration/local-definition';
export {
  GlueJobRunFailed, installPromiseWithResolvers, localContext, localTaskHandlers, noRetryWaits,
  resolveStateMachineDefinition, resolveTemplateValue, withTaskTimeouts,
} from './orchestration/local-definition';
