// Test support: protocol/schema.json and protocol/examples/, and a small JSON Schema 2020-12 validator
// for exactly the keywords the schema uses (the same rules as scripts/protocol_schema.py; a keyword it
// does not know fails the check instead of being ignored).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { REPO } from './harness.js';

export const SCHEMA = JSON.parse(readFileSync(join(REPO, 'protocol', 'schema.json'), 'utf8'));
export const EXAMPLES = join(REPO, 'protocol', 'examples');

const KEYWORDS = new Set(['$ref', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items',
  'anyOf', 'oneOf', 'minimum', 'maximum', 'exclusiveMinimum']);
const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'default', 'format', 'x-swift']);

export function resolve(ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local references: ${ref}`);
  return ref.slice(2).split('/').reduce((node, part) => node[part.replace(/~1/g, '/').replace(/~0/g, '~')], SCHEMA);
}

const typeOk = (value, type) => {
  switch (type) {
    case 'null': return value === null;
    case 'boolean': return typeof value === 'boolean';
    case 'string': return typeof value === 'string';
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'number': return typeof value === 'number';
    case 'integer': return Number.isInteger(value);
    default: throw new Error(`unknown type ${type}`);
  }
};

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Every way `instance` fails `schema` (empty when it is valid). */
export function validate(instance, schema, path = '$') {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) return [`${path}: the validator does not know the keyword ${key}`];
  }
  let errors = [];
  if (schema.$ref) errors = errors.concat(validate(instance, resolve(schema.$ref), path));
  if ('type' in schema) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeOk(instance, t))) return errors.concat(`${path}: expected ${types.join(' or ')}`);
  }
  if ('const' in schema && !same(instance, schema.const)) errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if ('enum' in schema && !schema.enum.some((v) => same(v, instance))) errors.push(`${path}: not one of ${schema.enum}`);
  if (typeof instance === 'number') {
    if ('minimum' in schema && instance < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if ('maximum' in schema && instance > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
    if ('exclusiveMinimum' in schema && instance <= schema.exclusiveMinimum) errors.push(`${path}: not above ${schema.exclusiveMinimum}`);
  }
  if (typeOk(instance, 'object')) {
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!(name in instance)) errors.push(`${path}: missing member ${name}`);
    for (const [name, value] of Object.entries(instance)) {
      if (name in properties) errors = errors.concat(validate(value, properties[name], `${path}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected member ${name}`);
      else if (schema.additionalProperties !== undefined) errors = errors.concat(validate(value, schema.additionalProperties, `${path}.${name}`));
    }
  }
  if (Array.isArray(instance) && schema.items !== undefined) {
    instance.forEach((item, i) => { errors = errors.concat(validate(item, schema.items, `${path}[${i}]`)); });
  }
  if (schema.anyOf && schema.anyOf.every((b) => validate(instance, b, path).length)) errors.push(`${path}: matches none of anyOf`);
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((b) => validate(instance, b, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} branches of oneOf`);
  }
  return errors;
}

/** Every example file: { path, name (the method or notification it is about), example }. */
export function examples() {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.json')) {
        out.push({ path: relative(EXAMPLES, full), name: relative(EXAMPLES, dirname(full)), example: JSON.parse(readFileSync(full, 'utf8')) });
      }
    }
  };
  walk(EXAMPLES);
  return out;
}

/** The schema's name of an error code. */
export function errorName(code) {
  return Object.entries(SCHEMA.errors).find(([, entry]) => entry.code === code)?.[0];
}
