import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

// Acknowledgements of cdk-nag findings, written with core `Validations` (no dependency on cdk-nag).
// Wildcard findings (AwsSolutions-IAM5) are acknowledged one by one, exactly for the wildcards a
// statement carries, so a new wildcard elsewhere still shows up as a finding.

/** cdk-nag's flat form of a CloudFormation value (`<Logical.Arn>/*`, `arn:<AWS::Partition>:…`). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
  const o = node as Record<string, any>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'];
    return (items as unknown[]).map(flatten).join(delimiter);
  }
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) return `<${flatten(o['Fn::GetAtt'][0])}.${flatten(o['Fn::GetAtt'][1])}>`;
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o.Ref) return `<${flatten(o.Ref)}>`;
  return JSON.stringify(node);
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The `AwsSolutions-IAM5[...]` finding ids of the Allow statements of a policy document (JSON form). */
export function wildcardFindings(scope: IConstruct, documentJson: unknown): string[] {
  const doc = Stack.of(scope).resolve(documentJson) as { Statement?: any[] };
  const ids = new Set<string>();
  for (const st of doc?.Statement ?? []) {
    if (st.Effect !== 'Allow') continue;
    for (const a of asArray<string>(st.Action)) if (a.includes('*')) ids.add(`AwsSolutions-IAM5[Action::${a}]`);
    for (const r of asArray<unknown>(st.Resource).map(flatten)) if (r.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${r}]`);
  }
  return [...ids];
}

/** Acknowledge, on `scope`, exactly the wildcard findings of these statements. */
export function acknowledgeStatementWildcards(scope: IConstruct, statements: iam.PolicyStatement[], reason: string): void {
  const ids = wildcardFindings(scope, { Statement: statements.map(s => s.toStatementJson()) });
  if (ids.length > 0) Validations.of(scope).acknowledge(...ids.map(id => ({ id, reason })));
}

/** Acknowledge, on `scope`, the wildcard findings of a whole policy document as it is now. */
export function acknowledgeDocumentWildcards(scope: IConstruct, document: iam.PolicyDocument, reason: string): void {
  const ids = wildcardFindings(scope, document.toJSON());
  if (ids.length > 0) Validations.of(scope).acknowledge(...ids.map(id => ({ id, reason })));
}

/**
 * Acknowledge the wildcard findings of a policy document in the form cdk-nag reports them after
 * synthesis: a reference to another stack's resource only becomes `Fn::ImportValue` once the app
 * is prepared, so the finding ids are computed (again) when the tree is validated. Use this for
 * policies that may refer to resources of another stack (the grants, made in the grantee's stack).
 */
export function acknowledgeDocumentWildcardsWhenSynthesized(scope: IConstruct, document: iam.PolicyDocument, reason: string): void {
  acknowledgeDocumentWildcards(scope, document, reason);
  scope.node.addValidation({
    validate: () => {
      acknowledgeDocumentWildcards(scope, document, reason);
      return [];
    },
  });
}
