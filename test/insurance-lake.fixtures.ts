import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  Configuration, ConfigurationConfig, ConsumerAccess, DataLakeStorage, EtlJobs, EtlTables, GlueNetwork, InsuranceLake,
  InsuranceLakeProps,
} from '../src';
import { assetRoot } from '../src/etl/asset-root';

// aws-cdk-lib runs its CloudFormation validation (a WASM rule engine) on every synthesis; it costs
// seconds per stack, so these unit tests switch it off for their own duration. One test in
// insurance-lake.test.ts runs it on the full stack.
const previousValidation = process.env.CDK_VALIDATION;
process.env.CDK_VALIDATION = 'false';
afterAll(() => {
  if (previousValidation === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = previousValidation;
});

const SCRIPTS = ['etl_collect_to_cleanse.py', 'etl_cleanse_to_consume.py', 'etl_consume_entity_match.py'];

/** The example configuration folder, in the layout the README shows (`examples/config/etl/…`). */
export const EXAMPLE_CONFIG = path.join(__dirname, '..', 'examples', 'config');

/**
 * The engine folder for tests: the real `assets/glue/` once its entry scripts exist, otherwise a
 * temporary copy with stand-in scripts (the construct only needs the files to exist).
 */
export function engineRoot(): string {
  const real = assetRoot();
  if (SCRIPTS.every(f => fs.existsSync(path.join(real, f)))) return real;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-engine-'));
  for (const f of SCRIPTS) fs.writeFileSync(path.join(dir, f), '# stand-in for tests\n');
  fs.symlinkSync(path.join(real, 'insurancelake_etl'), path.join(dir, 'insurancelake_etl'));
  fs.copyFileSync(path.join(real, 'requirements.txt'), path.join(dir, 'requirements.txt'));
  return dir;
}

/** Whether the real entry scripts exist (tests that pin the shipped engine check this). */
export function realEngineReady(): boolean {
  return SCRIPTS.every(f => fs.existsSync(path.join(assetRoot(), f)));
}

/** A fresh app that does not bundle assets (nothing needs Docker). */
export function testApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [] } });
}

/** A fresh app that lets `removalPolicy: DESTROY` take effect (the `cdk-insurancelake:allowDestroy` context flag). */
export function destroyAllowedApp(): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], 'cdk-insurancelake:allowDestroy': true } });
}

/** A stack with an account and region, for readable names in templates. */
export function testStack(app: App = testApp(), id = 'Lake'): Stack {
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-2' } });
}

/** Synthesize a stack with one InsuranceLake and return it, the lake and the template. */
export function lakeTemplate(props: InsuranceLakeProps = {}): { stack: Stack; lake: InsuranceLake; template: Template } {
  const stack = testStack();
  const lake = new InsuranceLake(stack, 'Lake', { engineAssetPath: engineRoot(), ...props });
  return { stack, lake, template: Template.fromStack(stack) };
}

/** The lake's sub-constructs, composed by hand as a user of the library would (no orchestration). */
export interface SubConstructs {
  readonly storage: DataLakeStorage;
  readonly tables: EtlTables;
  readonly consumers: ConsumerAccess;
  readonly network?: GlueNetwork;
  readonly configuration?: ConfigurationConfig;
  readonly jobs: EtlJobs;
}

/** Storage, tables, consumer access, (network), (configuration deployment) and jobs in `stack`. */
export function composeSubConstructs(stack: Stack, options: { vpc?: ec2.IVpc; configurationPath?: string } = {}): SubConstructs {
  const storage = new DataLakeStorage(stack, 'Storage');
  const tables = new EtlTables(stack, 'Tables', { encryptionKey: storage.encryptionKey });
  const consumers = new ConsumerAccess(stack, 'Consumers', {
    encryptionKey: storage.encryptionKey,
    cleanseBucket: storage.cleanseBucket,
    consumeBucket: storage.consumeBucket,
    glueTempBucket: storage.glueTempBucket,
  });
  const network = options.vpc ? new GlueNetwork(stack, 'Network', { vpc: options.vpc }) : undefined;
  const configuration = options.configurationPath === undefined ? undefined
    : Configuration.fromAsset(options.configurationPath).bind(stack, {
      etlScriptsBucket: storage.etlScriptsBucket,
      encryptionKey: storage.encryptionKey,
    });
  const jobs = new EtlJobs(stack, 'Etl', {
    encryptionKey: storage.encryptionKey,
    collectBucket: storage.collectBucket,
    cleanseBucket: storage.cleanseBucket,
    consumeBucket: storage.consumeBucket,
    etlScriptsBucket: storage.etlScriptsBucket,
    glueTempBucket: storage.glueTempBucket,
    hashValuesTable: tables.hashValuesTable,
    valueLookupTable: tables.valueLookupTable,
    multiLookupTable: tables.multiLookupTable,
    dqResultsTable: tables.dqResultsTable,
    dataLineageTable: tables.dataLineageTable,
    athenaWorkgroupName: consumers.athenaWorkgroupName,
    connections: network?.connections,
    engineAssetPath: engineRoot(),
  });
  return { storage, tables, consumers, network, configuration, jobs };
}
