#!/usr/bin/env node
// Prints the plain `N passed, N failed` line CI reads, summed over the JUnit reports that jest
// (test-reports/junit.xml: the construct library; test-reports/junit-cli.xml: the CLI package) and
// pytest (test-reports/pytest.xml) wrote.
import { existsSync, readFileSync } from 'node:fs';

const reports = ['test-reports/junit.xml', 'test-reports/junit-cli.xml', 'test-reports/pytest.xml'];
let tests = 0;
let failed = 0;
let skipped = 0;
for (const file of reports) {
  if (!existsSync(file)) {
    console.error(`test-summary: ${file} is missing (that runner did not finish)`);
    failed += 1;
    continue;
  }
  const xml = readFileSync(file, 'utf8');
  // Sum the <testsuite …> elements: both runners put the counts there.
  for (const suite of xml.match(/<testsuite\s[^>]*>/g) ?? []) {
    const attr = (name) => Number(suite.match(new RegExp(`\\s${name}="(\\d+)"`))?.[1] ?? 0);
    tests += attr('tests');
    failed += attr('failures') + attr('errors');
    skipped += attr('skipped');
  }
}
console.log(`${tests - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
