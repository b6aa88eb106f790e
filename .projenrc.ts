import { awscdk, javascript } from 'projen';

// The project definition. package.json, tsconfig*, .gitignore, .npmignore and .projen/ are
// generated from this file: change them here and run `npx projen`.
const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-insurancelake',
  description:
    'InsuranceLake as one AWS CDK construct: Collect/Cleanse/Consume data lake, PySpark ETL on Glue and on a laptop.',
  author: 'cdk-insurancelake developers',
  authorAddress: 'cdk-insurancelake@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-insurancelake/cdk-insurancelake.git',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  stability: 'experimental',
  license: 'Apache-2.0',

  // 2.270.0 is the first aws-cdk-lib with the GA Glue L2s; it is the peer floor and what we test on.
  cdkVersion: '2.270.0',
  constructsVersion: '10.5.1',
  // jsii and TypeScript move together; an unpinned TypeScript resolves to 7.x, which breaks ts-jest.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  minNodeVersion: '20.16.0',

  publishToPypi: { distName: 'cdk-insurancelake', module: 'cdk_insurancelake' },
  publishToMaven: {
    javaPackage: 'io.github.cdkinsurancelake',
    mavenGroupId: 'io.github.cdkinsurancelake',
    mavenArtifactId: 'cdk-insurancelake',
  },
  release: false,
  github: false,
  sampleCode: false,
  docgen: true,

  devDeps: [
    // projen asks for the @types/node@ts5.9 dist-tag, which the registry lacks.
    '@types/node@^20',
    'cdk-nag@3.0.2',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'aws-cdk@2.1148.1',
    // Orchestration: the Lambda handlers' SDK clients (external in the bundles: the Node 22 runtime has
    // them) and the local Step Functions interpreter that runs the synthesized ASL in tests.
    '@aws-sdk/client-dynamodb@3.1164.0',
    '@aws-sdk/client-s3@3.1164.0',
    '@aws-sdk/client-sfn@3.1164.0',
    '@aws-sdk/client-sns@3.1164.0',
    'aws-local-stepfunctions@3.0.0',
  ],

  // The Lambda bundles must not share projen's default `assets/` (it would git-ignore the engine).
  bundlerOptions: { assetsDir: 'assets/lambda' },
  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_22_X },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/integ/.*\\.snapshot/'],
      // One moto server (AWS APIs over loopback HTTP) for the whole jest run.
      globalSetup: '<rootDir>/test/setup/moto-server.ts',
      globalTeardown: '<rootDir>/test/setup/moto-server-teardown.ts',
    },
  },
  tsconfigDev: { include: ['integ/**/*.ts', 'bench/**/*.ts'] },

  gitignore: [
    '/.venv/',
    '/build/',
    '__pycache__/',
    '*.pyc',
    '.pytest_cache/',
    '.ruff_cache/',
    '/integ/**/asset.*/',
    '/test-reports/',
  ],
});

// The engine under assets/glue ships in the tarball; caches, tests and tools around it do not.
for (const pattern of ['/build/', '/.venv/', '__pycache__/', '*.pyc', '.pytest_cache/', '.ruff_cache/', '/bench/', '/integ/', '/test-reports/', '/.ci/']) {
  project.addPackageIgnore(pattern);
}

// Keep jsii's Node 20 end-of-life banner out of every task's output.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The engine's Python checks (ruff + pytest on local Spark) run in `npm test` after jest.
const pythonTests = project.addTask('test:python', {
  description: 'ruff and pytest of the ETL engine on a local Spark (sets up .venv first)',
  exec: 'bash scripts/pytest.sh',
  receiveArgs: true,
});
project.testTask.spawn(pythonTests);

// The handler tests and the local state-machine runs use the bundled Lambda code in assets/lambda.
project.testTask.prependSpawn(project.bundler.bundleTask);

project.synth();
