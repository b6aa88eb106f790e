// The README's Python examples are jsii-rosetta's translations of the TypeScript blocks before them.
// A Python block marked with the `python-from-typescript` comment mirrors the nearest TypeScript
// block above it; its text must be exactly rosetta's Python for that block.
//
//   npx projen readme:python   extract (strict) and rewrite the marked Python blocks of README.md
//
// test/examples/readme-examples.test.ts uses the same functions to check that they are current.
import * as fs from 'fs';
import * as path from 'path';

export const MARKER = '<!-- python-from-typescript';

/** A marked Python block: the 1-based line of the TypeScript fence it mirrors, and where it is. */
export interface MarkedPythonBlock {
  /** Line (1-based) of the ```ts fence the block translates; rosetta keys README snippets by it. */
  readonly typescriptLine: number;
  /** Index (0-based) of the ```python fence line. */
  readonly openIndex: number;
  /** Index (0-based) of the closing fence line. */
  readonly closeIndex: number;
  /** The block's text between the fences. */
  readonly text: string;
}

/** The 1-based lines of every ```ts / ```typescript fence of the README. */
export function typescriptFences(readme: string): number[] {
  return readme.split('\n').flatMap((line, i) => (/^```(ts|typescript)\b/.test(line) ? [i + 1] : []));
}

/** Every marked Python block, with the TypeScript fence above it. */
export function markedPythonBlocks(readme: string): MarkedPythonBlock[] {
  const lines = readme.split('\n');
  const blocks: MarkedPythonBlock[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith(MARKER)) return;
    const openIndex = i + 1;
    if (!/^```python\s*$/.test(lines[openIndex] ?? '')) {
      throw new Error(`README.md line ${i + 1}: the python-from-typescript marker must be followed by a \`\`\`python fence`);
    }
    const closeIndex = lines.findIndex((l, j) => j > openIndex && /^```\s*$/.test(l));
    const typescriptLine = typescriptFences(readme).filter(n => n - 1 < i).pop();
    if (typescriptLine === undefined || closeIndex < 0) {
      throw new Error(`README.md line ${i + 1}: a python-from-typescript block needs a TypeScript block above it and a closing fence`);
    }
    blocks.push({ typescriptLine, openIndex, closeIndex, text: lines.slice(openIndex + 1, closeIndex).join('\n') });
  });
  return blocks;
}

interface Tablet {
  readonly snippets: Record<string, {
    readonly location: { readonly api: { readonly api: string }; readonly field?: { readonly field: string; readonly line?: number } };
    readonly didCompile?: boolean;
    readonly translations: Record<string, { readonly source: string }>;
  }>;
}

/** rosetta's Python for each README snippet, by the line of its fence. */
export function readmeTranslations(tablet: Tablet): Map<number, { python: string; didCompile: boolean }> {
  const found = new Map<number, { python: string; didCompile: boolean }>();
  for (const snippet of Object.values(tablet.snippets)) {
    if (snippet.location.api.api !== 'moduleReadme' || snippet.location.field?.line === undefined) continue;
    found.set(snippet.location.field.line, { python: snippet.translations.python.source.trimEnd(), didCompile: snippet.didCompile === true });
  }
  return found;
}

/** The README with every marked Python block replaced by its translation. */
export function withTranslations(readme: string, tablet: Tablet): string {
  const translations = readmeTranslations(tablet);
  const lines = readme.split('\n');
  // From the last block up, so earlier indexes stay valid.
  for (const block of markedPythonBlocks(readme).reverse()) {
    const t = translations.get(block.typescriptLine);
    if (!t) throw new Error(`README.md line ${block.typescriptLine}: no rosetta translation (run jsii-rosetta extract on the current .jsii)`);
    lines.splice(block.openIndex + 1, block.closeIndex - block.openIndex - 1, ...t.python.split('\n'));
  }
  return lines.join('\n');
}

if (require.main === module && process.argv.includes('--write')) {
  const root = path.join(__dirname, '..');
  const readmePath = path.join(root, 'README.md');
  const tablet = JSON.parse(fs.readFileSync(path.join(root, '.jsii.tabl.json'), 'utf8')) as Tablet;
  fs.writeFileSync(readmePath, withTranslations(fs.readFileSync(readmePath, 'utf8'), tablet));
  console.log(`README.md: ${markedPythonBlocks(fs.readFileSync(readmePath, 'utf8')).length} Python block(s) written from the TypeScript`);
}
