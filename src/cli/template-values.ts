import { PseudoParameters } from '../orchestration/local-definition';

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
