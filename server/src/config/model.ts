/**
 * The experience sync config (what the user writes), normalised to camelCase: the shape the
 * loader (load.ts) produces and the engine plans. The file format: docs/sync-rules.md and
 * schema/experience-sync.schema.json.
 */

/** `{name, value}` of an experience's environment, as the config lists it; order is significant. */
export interface EnvironmentVariable {
  name: string;
  value: string;
}

/** A custom field as the config lists it (names are case-insensitive; the API's model, docs/api.md). */
export interface CustomField {
  name: string;
  type: 'text' | 'number' | 'timestamp' | 'json';
  values: string[];
}

/**
 * One entry of `experiences:`. `name`, `description` and `locations` are required by the schema;
 * a loaded config may still hold entries that failed validation, so the engine never trusts
 * more than the types below say. Optional fields that are absent (`undefined`) are left alone
 * by sync (docs/sync-rules.md, "Fields": omitted optional fields are left alone); an explicit `[]` clears.
 */
export interface ConfigExperience {
  name: string;
  description: string;
  locations: string[];
  experienceID?: string;
  profile?: string;
  environmentVariables?: EnvironmentVariable[];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: CustomField[];
  tags?: string[];
  systems?: string[];
  archived?: boolean;
}

export interface ConfigTestSuite {
  name: string;
  /** Experience names (as in `experiences[].name`). */
  experiences: string[];
}

/** The whole config. Missing top-level lists are empty lists. */
export interface SyncConfig {
  experiences: ConfigExperience[];
  managedTestSuites: ConfigTestSuite[];
  managedExperienceTags: string[];
}

/**
 * A path into the config, as the engine reports problems: e.g. `['experiences', 3, 'tags', 1]`.
 * Keys are the canonical camelCase names; the config loader maps a path to a source range,
 * whichever spelling the file used.
 */
export type ConfigPath = ReadonlyArray<string | number>;
