import { awscdk, javascript, typescript } from 'projen';

// What the `insurancelake` CLI needs at run time besides the construct library: it runs the
// synthesized ASL with aws-local-stepfunctions and calls the bundled Lambda handlers in-process,
// whose SDK clients are external in the bundles. Dependencies of packages/cli; devDependencies here.
const CLI_RUNTIME_DEPS = [
  '@aws-sdk/client-dynamodb@3.1164.0',
  '@aws-sdk/client-s3@3.1164.0',
  '@aws-sdk/client-sfn@3.1164.0',
  '@aws-sdk/client-sns@3.1164.0',
  'aws-local-stepfunctions@3.0.0',
];

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
    // The trigger tests read the lake's notifications from an SQS queue subscribed to the topic in moto.
    '@aws-sdk/client-sqs@3.1164.0',
    // The Lambda handlers import the SDK clients (external in the bundles: the Node 22 Lambda runtime
    // has them); the orchestration tests run the ASL with aws-local-stepfunctions. Development only:
    // the CLI package (packages/cli) is what carries them to users.
    ...CLI_RUNTIME_DEPS,
  ],
  bundledDeps: [
    // The construct validates the configuration folder at synth against the engine's JSON Schemas
    // (draft 2020-12). schemasafe: 15 files and no dependencies (ajv with its dependencies is ~540
    // files, against a tarball budget of 800).
    '@exodus/schemasafe@1.3.0',
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
      setupFiles: ['<rootDir>/test/setup/quiet-sdk-notice.ts'],
      // examples/app imports the library by its package name, as a user's copy does.
      moduleNameMapper: { '^cdk-insurancelake$': '<rootDir>/src/index.ts' },
    },
  },
  tsconfigDev: { include: ['../integ/**/*.ts'] },

  gitignore: [
    '/.venv/',
    '/build/',
    '__pycache__/',
    '*.pyc',
    '.pytest_cache/',
    '.ruff_cache/',
    '/integ/**/asset.*',
    '/integ/**/performance-counters.json',
    // what `npm run demo` and `insurancelake run` write by default
    '/insurancelake-demo/',
    '/insurancelake-work/',
    '/test-reports/',
  ],
});

// The engine under assets/glue ships in the tarball; caches, tests and tools around it do not.
for (const pattern of ['/build/', '/.venv/', '__pycache__/', '*.pyc', '.pytest_cache/', '.ruff_cache/', '/bench/', '/integ/', '/test-reports/', '/.ci/', '/dist/', '/insurancelake-*/']) {
  project.addPackageIgnore(pattern);
}
// Development scripts and the CLI package (published on its own) stay out of the construct's tarball;
// examples/config ships (users start their configuration from it, and the CLI's demo runs it).
for (const pattern of ['/scripts/', '/packages/', '/examples/app/', '/docs/', '/assets/glue/requirements-dev.txt']) project.addPackageIgnore(pattern);

// Keep jsii's Node 20 end-of-life banner out of every task's output.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');

// The engine's Python checks (ruff + pytest on local Spark) run in `npm test` after jest.
const pythonTests = project.addTask('test:python', {
  description: 'ruff and pytest of the ETL engine on a local Spark (sets up .venv first)',
  exec: 'bash scripts/pytest.sh',
  receiveArgs: true,
});
project.testTask.spawn(pythonTests);

// No jest snapshots here (integ snapshots are verified by a test and updated by integ:update), so
// projen's `test:update` (jest --updateSnapshot) would only be a way to make snapshot tests pass.
project.tasks.removeTask('test:update');

// `npm test` builds first: the handler tests and the local runs use the bundled Lambda code in
// assets/lambda, and the packaging test reads the compiled library (lib/, .jsii).
project.testTask.prependSpawn(project.compileTask);
project.testTask.prependSpawn(project.bundler.bundleTask);

// The Python package that jsii builds is installed into a fresh venv and synthesizes a lake (cdk-nag
// clean); the Java sources are generated (their Maven build needs aws-cdk-lib >= 2.270 on Central).
const bindings = project.addTask('test:bindings', {
  description: 'build the Python package with jsii-pacmak, synthesize a cdk-nag-clean InsuranceLake from it; generate the Java sources',
  exec: 'bash scripts/bindings-smoke.sh',
});
project.testTask.spawn(bindings);

// Integration snapshots: integ-runner 2.197 cannot read the assembly schema aws-cdk-lib 2.270+
// writes, so the aws-cdk CLI makes the snapshot folders (integ-runner's layout) and
// test/integ-snapshots.test.ts verifies them. Never run by `npm test`.
const integUpdate = project.addTask('integ:update', {
  description: 'regenerate integ/integ.*.ts.snapshot/ with the aws-cdk CLI (review the diff, then commit)',
});
for (const app of ['integ.default.ts', 'integ.vpc-parquet.ts']) {
  integUpdate.exec(
    `cdk synth --app "ts-node --transpile-only -P tsconfig.json integ/${app}" -o integ/${app}.snapshot --quiet --no-version-reporting --no-path-metadata`,
  );
}

// README and @example snippets compile with jsii-rosetta (strict, rosetta/*.ts-fixture); the README's
// Python blocks are rosetta's translations of the TypeScript blocks above them. The check runs in
// jest (test/examples/readme-examples.test.ts); this task rewrites the Python blocks.
project.addTask('readme:python', {
  description: 'rewrite the README\'s Python examples as jsii-rosetta translations of its TypeScript (after compile)',
  // rosetta npm-installs this folder (see test/examples/readme-examples.test.ts): packed, not linked.
  env: { npm_config_install_links: 'true' },
  steps: [
    // A previous tablet would be reused as a cache, with the README lines of that time.
    { exec: 'rm -f .jsii.tabl.json' },
    { exec: 'jsii-rosetta extract --strict' },
    { exec: 'ts-node --transpile-only -P tsconfig.json scripts/readme-python.ts --write' },
  ],
});
project.gitignore.addPatterns('/.jsii.tabl.json');
// The README shows cdk-monitoring-constructs beside the lake; rosetta installs it (from the npm
// registry, into its own temporary folder) only to compile that snippet. No dependency of the library.
project.package.addField('jsiiRosetta', { exampleDependencies: { 'cdk-monitoring-constructs': '10.2.0' } });
for (const pattern of ['/.jsii.tabl.json', '/rosetta/', '/scripts/readme-python.ts']) project.addPackageIgnore(pattern);

// The `insurancelake` CLI: its own npm package in packages/cli (an npm workspace of this repository),
// so a CDK app that only synthesizes never downloads the local runner's SDK clients, Spark worker and
// data generator. It depends on this library through the workspace (`file:../..`, a link to the
// repository root; scripts/pack-cli.sh turns it into this library's version in the packed tarball).
project.package.addField('workspaces', ['packages/cli']);
const cli = new typescript.TypeScriptProject({
  parent: project,
  outdir: 'packages/cli',
  name: 'cdk-insurancelake-cli',
  description: 'insurancelake: run the InsuranceLake pipeline of cdk-insurancelake on this machine (no AWS account, no Docker).',
  authorName: 'cdk-insurancelake developers',
  authorEmail: 'cdk-insurancelake@users.noreply.github.com',
  repository: 'https://github.com/cdk-insurancelake/cdk-insurancelake.git',
  repositoryDirectory: 'packages/cli',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.16.0',
  typescriptVersion: '~5.9.0',
  sampleCode: false,
  eslint: false,
  release: false,
  github: false,
  entrypoint: 'lib/main.js',
  bin: { insurancelake: 'lib/main.js' },
  deps: [
    'cdk-insurancelake@file:../..',
    ...CLI_RUNTIME_DEPS,
  ],
  // The construct's peers: the CLI synthesizes with the same aws-cdk-lib instance the library uses.
  peerDeps: ['aws-cdk-lib@^2.270.0', 'constructs@^10.5.1'],
  devDeps: [
    '@types/node@^20',
    // Drives the Debian chromium (scripts/ensure-chromium.sh) in the report render test; no browser download.
    'playwright-core@1.65.1',
  ],
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      module: 'node16',
      moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
      noEmitOnError: true,
      // aws-local-stepfunctions' declarations name SDK modules it does not depend on.
      skipLibCheck: true,
    },
  },
  tsconfigDev: { compilerOptions: { isolatedModules: true } },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // Its report goes beside the root package's, where scripts/test-summary.mjs sums them.
    junitReporting: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The repository's dev .venv (scripts/python-env.sh), as the other tests use; not the user cache.
      globalSetup: '<rootDir>/test/setup/dev-python.ts',
      setupFiles: ['<rootDir>/test/setup/quiet-sdk-notice.ts'],
      reporters: [
        new javascript.JestReporter('jest-junit', { outputDirectory: '<rootDir>/../../test-reports', outputName: 'junit-cli.xml' }),
      ],
    },
  },
  gitignore: ['__pycache__/', '*.pyc', '/insurancelake-demo/', '/insurancelake-work/'],
  npmignoreEnabled: true,
});
cli.addPackageIgnore('__pycache__/');
cli.addPackageIgnore('*.pyc');
cli.tasks.removeTask('test:update');
// npm (not projen) installs the workspace, from the repository root's lockfile.
cli.tasks.tryFind('install')?.reset('echo "npm install runs at the repository root (npm workspaces)"');
cli.tasks.tryFind('install:ci')?.reset('echo "npm ci runs at the repository root (npm workspaces)"');
// The CLI compiles against the construct's compiled library (lib/*.d.ts) and runs its bundled Lambdas.
cli.testTask.prependSpawn(cli.compileTask);
// npm makes bins executable when it links them, but not everything that starts the file does.
cli.compileTask.exec('chmod +x lib/main.js');
// The published tarball depends on the construct's version instead of the workspace link.
cli.packageTask.reset('bash ../../scripts/pack-cli.sh dist/js');

// One eslint configuration for both packages (the root's).
project.eslint?.addLintPattern('packages/cli/src');
project.eslint?.addLintPattern('packages/cli/test');
// The Lambda handlers and their helpers use the SDK clients the Lambda runtime provides (external in
// the bundles): development dependencies of the library, dependencies of the CLI that runs them locally.
project.eslint?.allowDevDeps('src/orchestration/lambda/**');

// `npm test` runs the CLI package's tests after the library's (they use the compiled library).
project.testTask.exec('npx projen test', { cwd: 'packages/cli' });

// `npm run demo`: the whole pipeline on generated data, locally (after `npm ci`, nothing else).
const demo = project.addTask('demo', {
  description: 'generate insurance data and run it through the local pipeline (insurancelake demo)',
  exec: 'node packages/cli/lib/main.js demo',
  receiveArgs: true,
});
const buildForCli = [project.bundler.bundleTask, project.compileTask];
project.addTask('insurancelake', {
  description: 'the insurancelake CLI built from the sources (npx projen insurancelake -- --help)',
  exec: 'node packages/cli/lib/main.js',
  receiveArgs: true,
});
for (const task of [demo, project.tasks.tryFind('insurancelake')!]) {
  task.prependExec('npx projen compile', { cwd: 'packages/cli' });
  for (const step of [...buildForCli].reverse()) task.prependSpawn(step);
}

project.synth();
