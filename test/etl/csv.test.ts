import { CsvSyntaxError, parseCsv } from '../../src/etl/csv';

// The mapping CSV as the engine's parser (Python csv, excel dialect, strict) reads it.

test('quoted values keep commas, doubled quotes and line breaks; records carry their first line', () => {
  const records = parseCsv('SourceName,DestName\r\n"a,b","say ""hi"""\n"multi\nline",x\n');
  expect(records).toEqual([
    { line: 1, cells: ['SourceName', 'DestName'] },
    { line: 2, cells: ['a,b', 'say "hi"'] },
    { line: 3, cells: ['multi\nline', 'x'] },
  ]);
});

test('a byte-order mark is dropped, blank lines give no record, empty cells stay', () => {
  expect(parseCsv('\ufeffA,B\n\n,\n""\nlast')).toEqual([
    { line: 1, cells: ['A', 'B'] },
    { line: 3, cells: ['', ''] },
    { line: 4, cells: [''] },
    { line: 5, cells: ['last'] },
  ]);
});

test('a quote inside an unquoted value is an ordinary character', () => {
  expect(parseCsv('a"b,c')).toEqual([{ line: 1, cells: ['a"b', 'c'] }]);
});

test.each([
  ['text after a closing quote', 'A,B\n"x"y,z', 2, 4, 'unexpected "y" after a closing quote'],
  ['a quote never closed', 'A,B\nx,"open\nmore', 2, 3, 'quoted value is never closed'],
])('%s is an error with line and column', (_name, text, line, column, message) => {
  let error: unknown;
  try {
    parseCsv(text);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CsvSyntaxError);
  expect(error).toMatchObject({ line, column, message });
});
