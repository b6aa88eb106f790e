import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Verifies the committed integ snapshots (integ/integ.<name>.ts.snapshot/) against a fresh synthesis
// of each integ app, as integ-runner would. integ-runner 2.197.x cannot read the cloud-assembly
// schema aws-cdk-lib 2.270+ writes, so the snapshots are made by the aws-cdk CLI
// (`npx projen integ:update`) and compared here; they are never updated by a test run.
const INTEG_DIR = path.join(__dirname, '..', 'integ');
const apps = fs.readdirSync(INTEG_DIR).filter((f) => /^integ\..+\.ts$/.test(f) && !f.endsWith('.d.ts'));

/**
 * Asset hashes change with any engine or handler edit, and the CLI adds asset metadata that a plain
 * synthesis does not: the snapshot pins what deploys, not bytes or tooling annotations.
 */
function normalise(template: any): unknown {
  const copy = JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  for (const resource of Object.values<any>(copy.Resources ?? {})) delete resource.Metadata;
  return copy;
}

function templates(dir: string): Record<string, unknown> {
  return Object.fromEntries(
    fs.readdirSync(dir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f, normalise(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))]),
  );
}

describe.each(apps)('integ snapshot %s', (app) => {
  const snapshotDir = path.join(INTEG_DIR, `${app}.snapshot`);

  test('has a committed snapshot', () => {
    expect(fs.existsSync(path.join(snapshotDir, 'manifest.json'))).toBe(true);
  });

  test('synthesizes to the committed templates', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-'));
    const saved = process.env.CDK_OUTDIR;
    process.env.CDK_OUTDIR = outdir;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(INTEG_DIR, app));
      });
    } finally {
      if (saved === undefined) delete process.env.CDK_OUTDIR;
      else process.env.CDK_OUTDIR = saved;
    }
    const fresh = templates(outdir);
    const committed = templates(snapshotDir);
    expect(Object.keys(fresh).sort()).toEqual(Object.keys(committed).sort());
    for (const name of Object.keys(committed)) {
      // A difference here means the construct changed what it deploys: review it, then run
      // `npx projen integ:update` and commit the new snapshot.
      expect({ [name]: fresh[name] }).toEqual({ [name]: committed[name] });
    }
  });
});
