import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InsuranceLake } from '../../src';
import { SPARK_PACKAGES_FILE, SparkPackageDeclaration } from '../../src/etl/spark-packages';
import { engineRoot, lakeTemplate, testStack } from '../insurance-lake.fixtures';

// Read from the engine's own declaration (the file the local Spark session loads its packages from).
const declared: SparkPackageDeclaration[] = JSON.parse(
  fs.readFileSync(path.join(engineRoot(), SPARK_PACKAGES_FILE), 'utf-8'),
).packages;

function jobs(template: Template): Record<string, any>[] {
  return Object.values(template.findResources('AWS::Glue::Job')).map((r: any) => r.Properties);
}

describe('the engine\'s Spark packages reach the Glue jobs', () => {
  const { template } = lakeTemplate();

  test('the declaration covers the local session\'s packages with a Glue decision each', () => {
    expect(declared.map(p => p.name).sort()).toEqual(['deequ', 'iceberg', 'xml']);
    for (const p of declared) expect(['native', 'extra_jars', 'refused']).toContain(p.glue);
  });

  test.each(declared.filter(p => p.glue === 'native').map(p => [p.name, p] as const))(
    '%s: every job has the arguments that make Glue provide it', (_, p) => {
      expect(jobs(template)).toHaveLength(3);
      for (const job of jobs(template)) expect(job.DefaultArguments).toMatchObject(p.glue_arguments!);
    });

  test.each(declared.filter(p => p.glue === 'extra_jars').map(p => [p.name, p] as const))(
    '%s: the jar the user passes in extraJars reaches every job in --extra-jars', (_, p) => {
      expect(p.glue_note).toContain('extraJars');
      const stack = testStack();
      const jar = glue.Code.fromBucket(new s3.Bucket(stack, 'Jars'), `lib/${p.name}.jar`);
      new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), extraJars: [jar] });
      for (const job of jobs(Template.fromStack(stack))) {
        expect(JSON.stringify(job.DefaultArguments['--extra-jars'])).toContain(`lib/${p.name}.jar`);
      }
    });

  test.each(declared.filter(p => p.glue === 'refused').map(p => [p.name, p] as const))(
    '%s: asking for it on Glue fails at synth time with the reason', (_, p) => {
      const value = p.feature.replace('--dq_evaluator ', '');
      const stack = testStack();
      expect(() => new InsuranceLake(stack, 'Lake', {
        engineAssetPath: engineRoot(),
        collectToCleanseJob: { extraArguments: { '--dq_evaluator': value } },
      })).toThrow(`--dq_evaluator ${value} is not available on Glue. ${p.glue_note}`);
    });
});
