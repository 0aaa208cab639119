/**
 * The experience sync config's JSON schema (`schema/experience-sync.schema.json`), compiled once
 * with ajv, and the key tables derived from it: the known camelCase keys of each kind of map and
 * the design doc's snake_case aliases (seeds/experience-syncing-README.md), which the resim CLI
 * ignores but this loader reads as their camelCase keys (docs/diagnostics.md, "Both spellings").
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from '../../../schema/experience-sync.schema.json';
import { parseUUID } from '../util/uuid';

/** The kinds of map in a config; each has its own known keys. */
export type MapContext = 'root' | 'experience' | 'testSuite' | 'environmentVariable' | 'customField';

/** How a message names a map of each kind ("Unknown key "x" in an experience"). */
export const CONTEXT_LABEL: Record<MapContext, string> = {
  root: 'at the top level',
  experience: 'in an experience',
  testSuite: 'in a test suite',
  environmentVariable: 'in an environment variable',
  customField: 'in a custom field',
};

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $ref?: string;
  [k: string]: unknown;
};

const schema = schemaJson as unknown as JsonSchema;
const defs = schema.definitions ?? {};

/** Known camelCase keys per map kind, in schema order. */
export const KNOWN_KEYS: Record<MapContext, string[]> = {
  root: Object.keys(schema.properties ?? {}),
  experience: Object.keys(defs.experience?.properties ?? {}),
  testSuite: Object.keys(defs.testSuite?.properties ?? {}),
  environmentVariable: Object.keys(defs.environmentVariable?.properties ?? {}),
  customField: Object.keys(defs.customField?.properties ?? {}),
};

/**
 * The snake_case spellings some resim CLI docs use, per map kind → the camelCase key they stand
 * for (docs/diagnostics.md, `snake-case-key`). The one alias table: the loader, the fast path's
 * chunker, completion and `validate --fix` read it.
 */
export const SNAKE_ALIASES: Record<MapContext, Record<string, string>> = {
  root: { managed_test_suites: 'managedTestSuites', managed_experience_tags: 'managedExperienceTags' },
  experience: {
    environment_variables: 'environmentVariables',
    experience_id: 'experienceID',
    cache_exempt: 'cacheExempt',
    container_timeout_seconds: 'containerTimeoutSeconds',
    custom_fields: 'customFields',
  },
  testSuite: {},
  environmentVariable: {},
  customField: {},
};

/** Every alias of any map kind → its camelCase key. */
export const ALL_SNAKE_ALIASES: Readonly<Record<string, string>> = Object.assign({}, ...Object.values(SNAKE_ALIASES));

/** A key as its camelCase name (`experience_id` → `experienceID`); other keys unchanged. */
export function canonicalKey(key: string): string {
  return ALL_SNAKE_ALIASES[key] ?? key;
}

/** The map kind of the items of a list-valued key in a map of kind `ctx`, if they are maps. */
export function childContext(ctx: MapContext, key: string): MapContext | undefined {
  if (ctx === 'root' && key === 'experiences') return 'experience';
  if (ctx === 'root' && key === 'managedTestSuites') return 'testSuite';
  if (ctx === 'experience' && key === 'environmentVariables') return 'environmentVariable';
  if (ctx === 'experience' && key === 'customFields') return 'customField';
  return undefined;
}

const SCHEMA_ID = (schema.$id as string | undefined) ?? 'experience-sync';
const ajv = new Ajv({ allErrors: true, strict: false });
// `format: uuid` as the resim CLI reads an experienceID (any case, urn:uuid:, braces, 32 hex digits).
ajv.addFormat('uuid', { type: 'string', validate: (s: string) => parseUUID(s) !== undefined });
ajv.addSchema(schemaJson as object, SCHEMA_ID);

function definition(name: string): ValidateFunction {
  const v = ajv.getSchema(`${SCHEMA_ID}#/definitions/${name}`);
  if (!v) throw new Error(`schema/experience-sync.schema.json has no definitions/${name}`);
  return v;
}

/**
 * The top level without the items of `experiences` and `managedTestSuites` (validated one by one,
 * so that an edit to one experience re-validates only that experience).
 */
function shallowRoot(): object {
  const props: Record<string, JsonSchema> = { ...(schema.properties ?? {}) };
  for (const k of ['experiences', 'managedTestSuites']) {
    if (props[k]) props[k] = { ...props[k], items: {} };
  }
  return { ...schema, $id: undefined, $schema: undefined, definitions: undefined, properties: props };
}

export const validators: { root: ValidateFunction; experience: ValidateFunction; testSuite: ValidateFunction } = {
  root: ajv.compile(shallowRoot()),
  experience: definition('experience'),
  testSuite: definition('testSuite'),
};

export type SchemaError = ErrorObject;

/** How a key's value is typed (from the schema): text, a list of texts, or anything else. */
export type FieldKind = 'string' | 'stringList' | 'list' | 'boolean' | 'other';

function kindOf(p: JsonSchema | undefined): FieldKind {
  if (!p) return 'other';
  if (p.type === 'string') return 'string';
  if (p.type === 'boolean') return 'boolean';
  if (p.type === 'array') return p.items && (p.items as JsonSchema).type === 'string' ? 'stringList' : 'list';
  return 'other';
}

const PROPS: Record<MapContext, Record<string, JsonSchema>> = {
  root: schema.properties ?? {},
  experience: defs.experience?.properties ?? {},
  testSuite: defs.testSuite?.properties ?? {},
  environmentVariable: defs.environmentVariable?.properties ?? {},
  customField: defs.customField?.properties ?? {},
};

/** The kind of value of the canonical key `key` in a map of kind `ctx`. */
export function fieldKind(ctx: MapContext, key: string): FieldKind {
  return Object.prototype.hasOwnProperty.call(PROPS[ctx], key) ? kindOf(PROPS[ctx][key]) : 'other';
}

/**
 * Keys whose empty value (`key:`, `~`, `null`) means "omitted": the resim CLI's config type holds
 * them as pointers (`*string`, `*[]EnvironmentVariable`, …), which YAML's null leaves nil. Any
 * other empty value is the Go zero value: `""` for text, `[]` for a list, false for `archived`.
 */
export const NULL_MEANS_OMITTED: Record<MapContext, readonly string[]> = {
  root: [],
  experience: ['experienceID', 'profile', 'environmentVariables', 'cacheExempt', 'containerTimeoutSeconds', 'customFields', 'archived'],
  testSuite: [],
  environmentVariable: [],
  customField: [],
};

/** The whole config in one validation (the fast path of fast.ts; the loader validates piece by piece). */
export const validateWholeConfig: ValidateFunction = (() => {
  const v = ajv.getSchema(SCHEMA_ID);
  if (!v) throw new Error('schema/experience-sync.schema.json did not compile');
  return v;
})();
