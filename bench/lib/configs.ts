/**
 * Config texts for the benchmarks and the soak test: a fast YAML writer for `SyncConfig` (block
 * style, two-space indentation, camelCase keys, as `resim-sync clone` writes), and the project
 * states they are planned against.
 */
import { createResimClient, StaticTokenAuth } from '../../server/src/resim';
import type { ResimClient } from '../../server/src/resim';
import { ingest } from '../../server/src/sync/ingest';
import type { ConfigExperience, SyncConfig } from '../../server/src/config/model';
import type { ProjectState } from '../../server/src/sync/model';
import type { Sandbox } from '../../sandbox/server';
import { seeded } from '../../test/support/random';

export { seeded };

const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~|[-+]?(?:\d[\d_]*)?\.?\d*(?:e[-+]?\d+)?|\.inf|\.nan)$/i;

/** A YAML scalar for a string: plain where that is unambiguous, else double-quoted (JSON is valid YAML). */
export function yamlString(s: string): string {
  if (s && /^[A-Za-z_./][A-Za-z0-9_ ./:@+=-]*$/.test(s) && !RESERVED.test(s) && !/: |:$| $| #/.test(s)) return s;
  return JSON.stringify(s);
}

function list(key: string, items: readonly string[], indent: string): string {
  if (!items.length) return `${indent}${key}: []\n`;
  return `${indent}${key}:\n${items.map((v) => `${indent}  - ${yamlString(v)}\n`).join('')}`;
}

/** One experience as a block sequence item at two-space indentation. */
export function experienceYaml(e: ConfigExperience): string {
  let out = `  - name: ${yamlString(e.name)}\n`;
  const i = '    ';
  if (e.experienceID) out += `${i}experienceID: ${e.experienceID}\n`;
  out += `${i}description: ${yamlString(e.description)}\n`;
  out += list('locations', e.locations, i);
  if (e.profile !== undefined) out += `${i}profile: ${yamlString(e.profile)}\n`;
  if (e.environmentVariables) {
    out += e.environmentVariables.length
      ? `${i}environmentVariables:\n${e.environmentVariables.map((v) => `${i}  - name: ${yamlString(v.name)}\n${i}    value: ${yamlString(v.value)}\n`).join('')}`
      : `${i}environmentVariables: []\n`;
  }
  if (e.cacheExempt !== undefined) out += `${i}cacheExempt: ${e.cacheExempt}\n`;
  if (e.containerTimeoutSeconds !== undefined) out += `${i}containerTimeoutSeconds: ${e.containerTimeoutSeconds}\n`;
  if (e.tags) out += list('tags', e.tags, i);
  if (e.systems) out += list('systems', e.systems, i);
  if (e.archived !== undefined) out += `${i}archived: ${e.archived}\n`;
  return out;
}

/** The whole config text; `header` lines are written first as comments. */
export function configYaml(config: SyncConfig, header: string[] = []): string {
  const parts: string[] = header.map((h) => `# ${h}\n`);
  parts.push(config.experiences.length ? 'experiences:\n' : 'experiences: []\n');
  for (const e of config.experiences) parts.push(experienceYaml(e));
  if (config.managedTestSuites.length) {
    parts.push('managedTestSuites:\n');
    for (const s of config.managedTestSuites) parts.push(`  - name: ${yamlString(s.name)}\n${list('experiences', s.experiences, '    ')}`);
  }
  if (config.managedExperienceTags.length) parts.push(list('managedExperienceTags', config.managedExperienceTags, ''));
  return parts.join('');
}

/** An API client for a sandbox (any token is accepted unless the sandbox was started with one). */
export function sandboxClient(
  sb: Sandbox,
  opts: { concurrency?: number; onRequest?: Parameters<typeof createResimClient>[0]['onRequest'] } = {},
): ResimClient {
  return createResimClient({
    apiUrl: sb.url,
    auth: new StaticTokenAuth('bench-token', 'bench'),
    concurrency: opts.concurrency,
    onRequest: opts.onRequest,
  });
}

/** The project state of a sandbox project, read with our `ingest`. */
export async function stateOf(sb: Sandbox, project: { id: string; name: string }): Promise<ProjectState> {
  const api = sandboxClient(sb);
  try {
    return await ingest(api, project);
  } finally {
    api.close();
  }
}
