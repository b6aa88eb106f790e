import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

/** The layout of a local run's working folder; every command agrees on it. */
export class Workdir {
  /** The folder the user named, or `./insurancelake-work`. */
  static resolve(dir: string | undefined): Workdir {
    const root = path.resolve(dir ?? 'insurancelake-work');
    if (fs.existsSync(root) && !fs.statSync(root).isDirectory()) {
      throw new UsageError(`--workdir ${dir ?? root} is a file; name a folder (it is created if it does not exist)`);
    }
    return new Workdir(root);
  }

  private constructor(readonly root: string) {}

  /** Local stand-in for a bucket (`collect`, `cleanse`, `consume`, `etl-scripts`, `glue-temp`). */
  bucket(name: string): string {
    return path.join(this.root, 'buckets', name);
  }

  /** The local catalog and table data (Iceberg warehouse). */
  get warehouse(): string {
    return path.join(this.root, 'warehouse');
  }

  /** Logs of the Spark worker and the moto server. */
  get logs(): string {
    return path.join(this.root, 'logs');
  }

  /** The self-contained HTML report of the last run. */
  get report(): string {
    return path.join(this.root, 'report.html');
  }

  /** The audit, DQ results and lineage items and the file summaries of every run here (see local-state.ts). */
  get state(): string {
    return path.join(this.root, 'state.json');
  }

  /** Whether a run ever wrote tables here. */
  get hasTables(): boolean {
    return fs.existsSync(this.warehouse) && fs.readdirSync(this.warehouse).length > 0;
  }

  /** Create the folders a run writes to. */
  prepare(): void {
    for (const dir of [this.root, this.warehouse, this.logs]) fs.mkdirSync(dir, { recursive: true });
  }
}
