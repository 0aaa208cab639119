/**
 * Checks of request bodies and query parameters, each answering 400 with a message that names
 * the field and what was expected, as the real API's input validation does.
 * Unknown body fields are ignored (the API's Go JSON decoding ignores them too).
 */
import type { CustomField, EnvironmentVariable } from '../server/src/resim/model';
import { badRequest } from './errors';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUUID(s: string): boolean {
  return UUID_RE.test(s);
}

/** A path ID: 400 unless it is a UUID. Returns it lower-cased, as IDs are stored. */
export function pathUUID(value: string, what: string): string {
  if (!isUUID(value)) throw badRequest(`${what} must be a UUID, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function requireObject(value: unknown, where: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(value === undefined ? `${where}: a JSON object is required` : `${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function optString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${where} must be a string`);
  return value;
}

export function requireString(value: unknown, where: string, nonEmpty = false): string {
  const s = optString(value, where);
  if (s === undefined) throw badRequest(`${where} is required`);
  if (nonEmpty && s.trim() === '') throw badRequest(`${where} must not be empty`);
  return s;
}

export function optBool(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${where} must be true or false`);
  return value;
}

/** int32 >= 0 (a timeout in seconds). */
export function optInt32(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2147483647) {
    throw badRequest(`${where} must be a whole number between 0 and 2147483647`);
  }
  return value;
}

export function optStringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`${where} must be a list of strings`);
  return value as string[];
}

/** A list of UUIDs, lower-cased and without repeats (first occurrence kept). */
export function optUUIDList(value: unknown, where: string): string[] | undefined {
  const list = optStringList(value, where);
  if (!list) return undefined;
  const out: string[] = [];
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (!isUUID(v)) throw badRequest(`${where}[${i}] must be a UUID, got ${JSON.stringify(v)}`);
    const id = v.toLowerCase();
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  });
  return out;
}

export function requireUUIDList(value: unknown, where: string): string[] {
  const list = optUUIDList(value, where);
  if (!list) throw badRequest(`${where} is required (a list of UUIDs)`);
  return list;
}

export function optEnvironment(value: unknown, where: string): EnvironmentVariable[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest(`${where} must be a list of {name, value}`);
  return value.map((v, i) => {
    const o = requireObject(v, `${where}[${i}]`);
    return { name: requireString(o.name, `${where}[${i}].name`, true), value: requireString(o.value, `${where}[${i}].value`) };
  });
}

const CUSTOM_FIELD_TYPES = ['text', 'number', 'timestamp', 'json'];

/** Custom fields; names are case-insensitive, so two that differ only in case are a 400. */
export function optCustomFields(value: unknown, where: string): CustomField[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest(`${where} must be a list of {name, type, values}`);
  const seen = new Set<string>();
  return value.map((v, i) => {
    const o = requireObject(v, `${where}[${i}]`);
    const name = requireString(o.name, `${where}[${i}].name`, true);
    const type = requireString(o.type, `${where}[${i}].type`);
    if (!CUSTOM_FIELD_TYPES.includes(type)) throw badRequest(`${where}[${i}].type must be one of ${CUSTOM_FIELD_TYPES.join(', ')}`);
    const values = optStringList(o.values, `${where}[${i}].values`) ?? [];
    if (type === 'number' && values.some((x) => x.trim() === '' || !Number.isFinite(Number(x)))) {
      throw badRequest(`${where}[${i}].values must be numbers for type "number"`);
    }
    if (type === 'timestamp' && values.some((x) => Number.isNaN(Date.parse(x)))) {
      throw badRequest(`${where}[${i}].values must be RFC 3339 timestamps for type "timestamp"`);
    }
    const key = name.toLowerCase();
    if (seen.has(key))
      throw badRequest(`${where}[${i}].name ${JSON.stringify(name)} repeats another custom field (names are case-insensitive)`);
    seen.add(key);
    return { name, type: type as CustomField['type'], values };
  });
}

/** A boolean query parameter: absent → undefined; "true"/"false" (any case) → boolean; else 400. */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const v = raw.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`query parameter ${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** A string query parameter; absent or empty → undefined. */
export function queryString(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  return raw === null || raw === '' ? undefined : raw;
}

/** Sort orders the sandbox knows; other `orderBy` values are a 400. */
export type OrderBy = 'timestamp' | 'name';

/** `orderBy`: absent → creation order ("timestamp"); "timestamp"/"creationTimestamp" or "name". */
export function queryOrderBy(query: URLSearchParams): OrderBy {
  const raw = queryString(query, 'orderBy');
  if (raw === undefined || raw === 'timestamp' || raw === 'creationTimestamp') return 'timestamp';
  if (raw === 'name') return 'name';
  throw badRequest(`orderBy must be "timestamp" or "name", got ${JSON.stringify(raw)}`);
}
