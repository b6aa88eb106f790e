import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadLookups } from './run';
import { requiredFolder } from '../command-line';
import { UsageError } from '../errors';
import { LocalAws } from '../local-aws';
import { synthesizeLocalLake } from '../local-lake';
import { readLookupsManifest } from '../lookups-manifest';
import { MotoServer } from '../moto-server';
import { Progress } from '../progress';
import { ensurePython } from '../python';

/**
 * `insurancelake load-lookups --config DIR`: load the value and multi lookups listed in
 * `<config>/lookups/lookups.json` into lookup tables shaped as the lake defines them, on a local
 * endpoint, and report what was loaded. (`run` loads them by itself before the first file.)
 */
export async function loadLookupsCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const configDir = requiredFolder('load-lookups', values.config, '--config', 'the configuration folder (the one that contains lookups/lookups.json)');
  const manifest = path.join(configDir, 'lookups', 'lookups.json');
  if (!fs.existsSync(manifest)) throw new UsageError(`load-lookups: ${manifest} does not exist; it lists the value_lookups and multi_lookups to load`);
  const lookups = readLookupsManifest(manifest)!;
  const python = ensurePython();
  const moto = await MotoServer.start(python);
  try {
    const lake = synthesizeLocalLake({ entityMatch: false });
    const aws = new LocalAws(moto.endpoint);
    await aws.provision(lake, configDir);
    loadLookups(python, configDir, lookups, lake, moto.awsEnvironment(), new Progress(process.stdout));
    return 0;
  } finally {
    moto.stop();
  }
}
