import { Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { InsuranceLakeError } from '../errors';
import { acknowledgeDocumentWildcardsWhenSynthesized } from '../nag-acknowledgements';

/** What a grant method writes: one managed policy for one grantee. */
export interface GrantPolicySpec {
  /** `Upload`, `Consume`, `StartPipeline`: part of the policy's construct id and of error messages. */
  readonly kind: string;
  /** The `grantX` method, for error messages. */
  readonly method: string;
  /** The policy's description. */
  readonly description: string;
  /** The statements, each with a Sid. */
  readonly statements: iam.PolicyStatement[];
  /** Why the wildcards that remain (object keys, names created at run time) cannot be narrower. */
  readonly wildcardReason: string;
}

type Identity = IConstruct & { readonly roleName?: string; readonly userName?: string; readonly groupName?: string };

/**
 * Give `grantee` the permissions of `spec` as a customer-managed policy attached to its role, user
 * or group. The policy lives beside the grantee (in its stack, under its construct), so a grantee
 * stack that depends on the lake's stack needs no reference back. An inline policy would be a
 * HIPAA/NIST `IAMNoInlinePolicy` finding in the user's stack; a managed policy is accepted by the
 * three packs, and its remaining wildcard findings are acknowledged one by one, on the policy only.
 *
 * Granting the same kind twice from the same lake to the same grantee returns the first policy.
 */
export function grantWithManagedPolicy(lake: Construct, grantee: iam.IGrantable, spec: GrantPolicySpec): iam.IManagedPolicy {
  const principal = grantee.grantPrincipal as unknown as Identity;
  const kind = identityKind(principal);
  if (!kind) {
    throw new InsuranceLakeError('Grants.Principal', lake, `${spec.method} attaches a managed policy to an IAM role, user or group (or to a construct whose grantPrincipal is one, such as a Lambda function); `
      + `the grantee's principal ${describe(principal)} is none of them. For a service or another account, create a role it can assume and grant to that role.`);
  }
  const id = `${Names.uniqueId(lake)}${spec.kind}Policy`;
  const existing = principal.node.tryFindChild(id);
  if (existing) return existing as iam.ManagedPolicy;

  const policy = new iam.ManagedPolicy(principal, id, {
    description: spec.description,
    // Statements stay as written (Sids, order), whatever the app's minimizePolicies flag says.
    document: new iam.PolicyDocument({ minimize: false, statements: spec.statements }),
  });
  if (kind === 'role') policy.attachToRole(principal as unknown as iam.IRole);
  if (kind === 'user') policy.attachToUser(principal as unknown as iam.IUser);
  if (kind === 'group') policy.attachToGroup(principal as unknown as iam.IGroup);
  acknowledgeDocumentWildcardsWhenSynthesized(policy, policy.document, spec.wildcardReason);
  return policy;
}

function identityKind(principal: Identity): 'role' | 'user' | 'group' | undefined {
  if (!principal || typeof principal !== 'object' || !('node' in principal)) return undefined;
  if ('roleName' in principal && 'roleArn' in principal) return 'role';
  if ('userName' in principal && 'userArn' in principal) return 'user';
  if ('groupName' in principal && 'groupArn' in principal) return 'group';
  return undefined;
}

function describe(principal: unknown): string {
  const p = principal as { node?: { path: string }; policyFragment?: unknown; toString(): string } | undefined;
  if (p?.node) return `at ${p.node.path}`;
  return String(principal?.constructor?.name ?? principal);
}
