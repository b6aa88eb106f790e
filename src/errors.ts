import { IConstruct } from 'constructs';

// Internal module: jsii cannot export a subclass of Error, so users see the id in the message
// (`[Naming.ResourcePrefix] Lake: resourcePrefix "Lake_1" may only contain …`) and tests match it.

/** What went wrong, as `<area>.<problem>`: stable ids that tests, docs and users can search for. */
export type InsuranceLakeErrorId =
  | 'Naming.EnvironmentName'
  | 'Naming.ResourcePrefix'
  | 'Naming.TooLong'
  | 'Storage.BucketConflict'
  | 'Storage.KeyUserAccounts'
  | 'Configuration.Layout'
  | 'Configuration.Invalid'
  | 'Configuration.Conflict'
  | 'Jobs.EngineScript'
  | 'Jobs.ExtraArguments'
  | 'Jobs.EntityMatchOff'
  | 'TransformModules.Folder'
  | 'TransformModules.Schema'
  | 'TransformModules.Clash'
  | 'Network.NoVpc'
  | 'Orchestration.Email'
  | 'Grants.Principal'
  | 'Monitoring.Options'
  | 'Contract.Argument';

/** An error of the constructs: the id first, then where (construct path, when there is one) and what. */
export class InsuranceLakeError extends Error {
  /** The error's id, e.g. `Configuration.Layout`. */
  public readonly id: InsuranceLakeErrorId;

  constructor(id: InsuranceLakeErrorId, scope: IConstruct | undefined, message: string) {
    super(`[${id}] ${scope ? `${scope.node.path}: ` : ''}${message}`);
    this.id = id;
    this.name = 'InsuranceLakeError';
  }
}
