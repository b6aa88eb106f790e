import * as fs from 'fs';
import * as path from 'path';
import { validator as compileValidator } from '@exodus/schemasafe';
import { assetRoot } from './asset-root';
import { ENGINE_PACKAGE } from '../contract';

// Validation of configuration files against the engine's JSON Schemas (draft 2020-12), the same
// files Python's `validate` uses, in Node at synth. Internal module.

/** The engine's JSON Schemas (assets/glue/insurancelake_etl/schemas/). */
export const SchemaFile = {
  SPEC: 'transformation-spec.schema.json',
  ENTITY_MATCH: 'entitymatch-spec.schema.json',
  DEPENDENT: 'dependent.schema.json',
  DQ_RULES: 'dq-rules.schema.json',
  MAPPING_ROW: 'mapping.schema.json',
} as const;

/** One way a JSON value fails a schema: where (`$.a.b[1]`), which property (for a mapping row's column), and what was expected. */
export interface SchemaProblem {
  readonly path: string;
  /** First key of the failing location, e.g. a mapping row's column name. */
  readonly key?: string;
  readonly message: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = { [key: string]: any };
interface ValidationError { keywordLocation: string; instanceLocation: string }
type Validate = ((value: unknown) => boolean) & { errors?: ValidationError[] | null };

const compiled = new Map<string, { schema: SchemaNode; validate: Validate }>();

function readShipped(file: string): SchemaNode {
  return JSON.parse(fs.readFileSync(path.join(assetRoot(), ENGINE_PACKAGE, 'schemas', file), 'utf8'));
}

function compile(schema: SchemaNode): { schema: SchemaNode; validate: Validate } {
  return { schema, validate: compileValidator(schema, { includeErrors: true, allErrors: true }) as unknown as Validate };
}

function load(file: string): { schema: SchemaNode; validate: Validate } {
  let entry = compiled.get(file);
  if (!entry) {
    entry = compile(readShipped(file));
    compiled.set(file, entry);
  }
  return entry;
}

/** The transform keys (names and aliases) of the engine's shipped spec schema. */
export function builtinTransformKeys(): Set<string> {
  const patterns = Object.keys(load(SchemaFile.SPEC).schema.properties.transform_spec.patternProperties);
  return new Set(patterns.map(p => p.replace(/^\^/, '').replace(/\(:\.\*\)\?\$$/, '').replace(/\\(.)/g, '$1')));
}

/** The keys the engine knows at the top of a spec and in its `input_spec` (the shipped spec schema's properties). */
export function specSectionKeys(): { top: string[]; inputSpec: string[] } {
  const schema = load(SchemaFile.SPEC).schema;
  return { top: Object.keys(schema.properties), inputSpec: Object.keys(schema.$defs.input_spec.properties) };
}

/** The user transforms a spec schema is extended with: `$defs` entries and each key's entry. */
export interface SpecExtension {
  /** A name for the compiled schema (e.g. the modules folder). */
  readonly id: string;
  readonly defs: { [def: string]: unknown };
  readonly keyDefs: { [key: string]: string };
}

/**
 * The name of the spec schema extended with user transforms, for {@link validateAgainstSchema}: the
 * shipped schema with their `$defs`, key patterns and key names added. A fragment that is not a
 * valid JSON Schema throws, naming the key.
 */
export function extendedSpecSchema(extension: SpecExtension): string {
  const name = `${SchemaFile.SPEC}+${extension.id}`;
  if (!compiled.has(name)) {
    try {
      compiled.set(name, compile(withTransforms(extension.defs, extension.keyDefs)));
    } catch (error) {
      // Name the first key whose fragment alone breaks the schema.
      const culprit = Object.keys(extension.keyDefs).find(key => {
        try {
          compile(withTransforms(extension.defs, { [key]: extension.keyDefs[key] }));
          return false;
        } catch {
          return true;
        }
      });
      throw new Error(`the spec schema of transform "${culprit ?? Object.keys(extension.keyDefs).join('", "')}" is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
  return name;
}

function withTransforms(defs: { [def: string]: unknown }, keyDefs: { [key: string]: string }): SchemaNode {
  const schema = readShipped(SchemaFile.SPEC);
  const transformSpec = schema.properties.transform_spec;
  const escape = (key: string) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const [key, def] of Object.entries(keyDefs)) {
    schema.$defs[def] = defs[def];
    transformSpec.patternProperties[`^${escape(key)}(:.*)?$`] = { $ref: `#/$defs/${def}` };
  }
  const keys = [...builtinTransformKeys(), ...Object.keys(keyDefs)].sort();
  transformSpec.propertyNames = { pattern: `^(${keys.map(escape).join('|')})(:.*)?$` };
  return schema;
}

/** The problems of `value` against the schema `file` (empty when it is valid). */
export function validateAgainstSchema(file: string, value: unknown): SchemaProblem[] {
  const { schema, validate } = load(file);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // anyOf/oneOf report their branches too; the combinator's own error says it once.
  const combinators = errors.filter(e => /\/(anyOf|oneOf)$/.test(e.keywordLocation)).map(e => `${e.keywordLocation}/`);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (combinators.some(c => error.keywordLocation.startsWith(c))) continue;
    const problem = describe(schema, value as Json, error);
    const id = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  return problems.length > 0 ? problems : [{ path: '$', message: 'does not match the schema' }];
}

function pointer(location: string): string[] {
  return location.replace(/^#\/?/, '').split('/').filter(s => s !== '').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `$.transform_spec.currency[1].format` for the instance pointer `#/transform_spec/currency/1/format`. */
function jsonPath(instance: Json, segments: string[]): string {
  let out = '$';
  let node: Json | undefined = instance;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      out += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      out += `.${segment}`;
      node = node && typeof node === 'object' ? (node as { [key: string]: Json })[segment] : undefined;
    }
  }
  return out;
}

function valueAt(instance: Json, segments: string[]): Json | undefined {
  let node: Json | undefined = instance;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(segment)] : node[segment];
  }
  return node;
}

/** The subschema that holds the failing keyword, following `$ref`s; undefined when the location cannot be walked. */
function schemaAt(root: SchemaNode, segments: string[]): SchemaNode | undefined {
  let node: any = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    if (segment === '$ref' && typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
      node = schemaAt(root, pointer(node.$ref));
    } else if (segment in node) {
      node = node[segment];
    } else if (Array.isArray(node.prefixItems) && /^\d+$/.test(segment)) {
      // schemasafe leaves `prefixItems` out of the keyword location of its items.
      node = node.prefixItems[Number(segment)];
    } else {
      return undefined;
    }
  }
  return node;
}

function typeName(value: Json | undefined): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'boolean': return 'a boolean';
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'undefined': return 'missing';
    default: return 'an object';
  }
}

/** A short description of what a subschema accepts (`string matching ^\d+$`, `one of "a", "b"`). */
function shape(schema: SchemaNode | boolean | undefined): string {
  if (schema === undefined || typeof schema === 'boolean') return 'a valid value';
  if (schema.enum) return `one of ${schema.enum.map((v: Json) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return options.map(shape).join(' or ');
  const parts: string[] = [];
  if (schema.type) parts.push([schema.type].flat().join(' or '));
  if (schema.pattern) parts.push(`matching ${schema.pattern}`);
  if (schema.minimum !== undefined) parts.push(`>= ${schema.minimum}`);
  return parts.join(' ') || 'a valid value';
}

function show(value: Json | undefined): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A key close to `key` among the alternatives of a `^(a|b|c)(…)?$` key pattern. */
function closestAlternative(pattern: string, key: string): string | undefined {
  const alternatives = /^\^\(([\w|]+)\)/.exec(pattern)?.[1].split('|') ?? [];
  const base = key.split(':')[0];
  let best: { name: string; distance: number } | undefined;
  for (const name of alternatives) {
    const distance = editDistance(base, name);
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function describe(root: SchemaNode, instance: Json, error: ValidationError): SchemaProblem {
  const at = pointer(error.instanceLocation);
  const keywordPath = pointer(error.keywordLocation);
  const keyword = keywordPath[keywordPath.length - 1];
  const parentKeyword = keywordPath[keywordPath.length - 2];
  const subschema = schemaAt(root, keywordPath.slice(0, -1));
  const value = valueAt(instance, at);
  const key = at[0];

  // Errors about a key put the key itself in the instance location.
  if (keyword === 'required') {
    const parent = at.slice(0, -1);
    return { path: jsonPath(instance, parent), key: parent[0] ?? at[0], message: `missing required key "${at[at.length - 1]}"` };
  }
  if (keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') {
    const allowed = Object.keys(subschema?.properties ?? {}).join(', ');
    return { path: jsonPath(instance, at), key, message: `unexpected key "${at[at.length - 1]}"${allowed ? `; allowed keys: ${allowed}` : ''}` };
  }
  if (parentKeyword === 'propertyNames' && keyword === 'pattern') {
    const pattern = String(subschema?.pattern ?? '');
    const name = at[at.length - 1];
    const close = closestAlternative(pattern, name);
    return {
      path: jsonPath(instance, at),
      key,
      message: close ? `unknown key "${name}"; did you mean "${close}"?` : `invalid key "${name}"; expected a key matching ${pattern}`,
    };
  }
  const where = jsonPath(instance, at);
  const param = subschema?.[keyword];
  switch (keyword) {
    case 'type':
      return { path: where, key, message: `${show(value)} is ${typeName(value)}; expected ${[param].flat().join(' or ')}` };
    case 'pattern':
      return { path: where, key, message: `${show(value)} must match pattern ${param}` };
    case 'enum':
    case 'const':
      return { path: where, key, message: `${show(value)} is not allowed; expected ${shape(subschema)}` };
    case 'anyOf':
    case 'oneOf':
      return { path: where, key, message: `${show(value)} is not allowed; expected ${shape(subschema)}` };
    case 'minLength':
      return { path: where, key, message: `${value === '' ? 'is empty' : `${show(value)} is too short`}; expected at least ${param} character${param === 1 ? '' : 's'}` };
    case 'maxLength':
      return { path: where, key, message: `${show(value)} is too long; expected at most ${param} character${param === 1 ? '' : 's'}` };
    case 'minimum':
      return { path: where, key, message: `${show(value)} is too small; expected at least ${param}` };
    case 'maximum':
      return { path: where, key, message: `${show(value)} is too large; expected at most ${param}` };
    case 'minItems':
      return { path: where, key, message: `has ${Array.isArray(value) ? value.length : 0} item(s); expected at least ${param}` };
    case 'maxItems':
      return { path: where, key, message: `has ${Array.isArray(value) ? value.length : 0} item(s); expected at most ${param}` };
    default:
      return { path: where, key, message: `${show(value)} does not satisfy "${keyword}"${param !== undefined ? ` ${show(param)}` : ''}` };
  }
}
