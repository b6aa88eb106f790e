import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';

// examples/app is the app a user copies: it synthesizes with the three cdk-nag packs registered on
// the whole app (its own roles included) and no finding, and it type-checks against the built
// library as `npm i cdk-insurancelake` gives it. (jest maps `cdk-insurancelake` to src/.)

const root = path.join(__dirname, '..', '..');
const appDir = path.join(root, 'examples', 'app');

describe('examples/app', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app } = require('../../examples/app/bin/app') as { app: App };
  const stack = app.node.findChild('InsuranceLake') as Stack;

  test('the app registers the three packs itself, and synthesizes: no unacknowledged finding anywhere', () => {
    // The plugins bin/app.ts registered run during synth and throw on any finding.
    expect(() => app.synth()).not.toThrow();
    const findings = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks()]
      .flatMap(pack => pack.validateScope(app).violations.flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`)));
    expect(findings).toEqual([]);
  }, 120_000);

  test('a finding in the user\'s own resources fails the synthesis of the app (the packs cover the whole app)', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../examples/app/bin/app').app as App;
      const userStack = fresh.node.findChild('InsuranceLake') as Stack;
      // The same aws-cdk-lib instance as the fresh app (cdk-nag recognises resources by class).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolatedS3 = require('aws-cdk-lib/aws-s3') as typeof s3;
      new isolatedS3.Bucket(userStack, 'UnencryptedReports');
      expect(() => fresh.synth()).toThrow(/Validation failed|AwsSolutions-S1/);
    });
  }, 120_000);

  test('the user\'s roles get one managed policy each, no inline policy', () => {
    const template = Template.fromStack(stack);
    for (const role of ['UploaderRole', 'AnalystRole', 'OperatorRole']) {
      const attached = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
        .filter((p: any) => JSON.stringify(p.Properties.Roles ?? []).includes(role));
      expect({ role, policies: attached.length }).toEqual({ role, policies: 1 });
    }
    const inline = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => /UploaderRole|AnalystRole|OperatorRole/.test(JSON.stringify(p.Properties.Roles ?? [])));
    expect(inline).toEqual([]);
  });

  test('the lake deploys examples/config and has its monitoring and outputs', () => {
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(16);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(Object.keys(template.findOutputs('*'))).toHaveLength(7);
  });

  test('the example type-checks with its own tsconfig against the built library (lib/*.d.ts)', () => {
    // A user's copy resolves cdk-insurancelake from node_modules; here it is the compiled library.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-example-tsc-'));
    const tsconfig = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(tsconfig, JSON.stringify({
      extends: path.join(appDir, 'tsconfig.json'),
      compilerOptions: {
        noEmit: true,
        baseUrl: root,
        paths: { 'cdk-insurancelake': ['lib/index.d.ts'] },
        typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      include: [path.join(appDir, 'bin', '**', '*.ts'), path.join(appDir, 'lib', '**', '*.ts')],
    }));
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { cwd: root, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
