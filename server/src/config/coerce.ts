/**
 * Best-effort typing of canonical values into the shapes of `sync/model.ts`, so the engine can
 * trust the types even for a config with errors: a wrong-typed optional field is dropped, a
 * missing required string becomes "" and a missing list []. Scalars in string places become
 * strings (`value: 120` → "120", as the resim CLI's YAML decoder does). The `schema` diagnostics
 * still report every such problem.
 */
import type { ConfigExperience, ConfigTestSuite, CustomField, EnvironmentVariable } from './model';

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

function strList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const it of v) {
    const s = str(it);
    if (s !== undefined) out.push(s);
  }
  return out;
}

export function toExperience(v: unknown): ConfigExperience {
  const o = isObj(v) ? v : {};
  const exp: ConfigExperience = {
    name: str(o.name) ?? '',
    description: str(o.description) ?? '',
    locations: strList(o.locations) ?? [],
  };
  const id = str(o.experienceID);
  if (id !== undefined) exp.experienceID = id;
  const profile = str(o.profile);
  if (profile !== undefined) exp.profile = profile;
  if (Array.isArray(o.environmentVariables)) {
    exp.environmentVariables = o.environmentVariables
      .filter(isObj)
      .map((e): EnvironmentVariable => ({ name: str(e.name) ?? '', value: str(e.value) ?? '' }));
  }
  if (typeof o.cacheExempt === 'boolean') exp.cacheExempt = o.cacheExempt;
  if (typeof o.containerTimeoutSeconds === 'number' && Number.isFinite(o.containerTimeoutSeconds)) {
    exp.containerTimeoutSeconds = o.containerTimeoutSeconds;
  }
  if (Array.isArray(o.customFields)) {
    exp.customFields = o.customFields.filter(isObj).map((f): CustomField => ({
      name: str(f.name) ?? '',
      type: (str(f.type) ?? 'text') as CustomField['type'],
      values: strList(f.values) ?? [],
    }));
  }
  const tags = strList(o.tags);
  if (tags) exp.tags = tags;
  const systems = strList(o.systems);
  if (systems) exp.systems = systems;
  if (typeof o.archived === 'boolean') exp.archived = o.archived;
  return exp;
}

export function toTestSuite(v: unknown): ConfigTestSuite {
  const o = isObj(v) ? v : {};
  return { name: str(o.name) ?? '', experiences: strList(o.experiences) ?? [] };
}

export function toTagList(v: unknown): string[] {
  return strList(v) ?? [];
}
