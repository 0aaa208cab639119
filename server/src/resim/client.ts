/**
 * The ReSim API client: the endpoints (docs/api.md) over the transport (transport.ts: HTTP,
 * bearer auth, concurrency limit), the retry policy (retry.ts) and paging (paging.ts), plus the
 * lost-create rule and project resolution. It implements the engine's port `ResimApi`.
 *
 * Every method rejects with an `ApiError` (errors.ts). An aborted call rejects promptly with an
 * `ApiError` of kind `aborted` (name `AbortError`) and is never retried.
 */
import type {
  CreateExperienceInput,
  Experience,
  ExperienceField,
  ExperienceTag,
  Project,
  System,
  TestSuite,
  UpdateExperienceFields,
} from './model';
import type { AuthProvider } from './auth';
import { ApiError } from './errors';
import { EXPERIENCES_PAGE_SIZE, listAll as listPages } from './paging';
import { createRetrier, defaultSleep } from './retry';
import {
  createTransport,
  isPermanentNetworkCode,
  NEVER_SENT_CODES,
  READ_CONCURRENCY,
  WRITE_CONCURRENCY,
  type CallSpec,
  type Query,
} from './transport';
import type { ResimApi } from '../sync/port';
import type { RequestEvent } from './types';
import { normalizeApiUrl } from './url';

export interface ResimClientOptions {
  /** API base URL, e.g. `https://api.resim.ai/v1/` (a missing trailing `/` is added). Empty: the default. */
  apiUrl: string;
  auth: AuthProvider;
  /** Most read requests (GET) in flight at once, across all calls of this client. Default READ_CONCURRENCY. */
  concurrency?: number;
  /**
   * Most write requests (creates, updates, archives, revisions…) in flight at once, across all
   * calls of this client, on top of the reads. Default WRITE_CONCURRENCY.
   */
  writeConcurrency?: number;
  /** `pageSize` asked of ListExperiences (an integer ≥ 1). Default EXPERIENCES_PAGE_SIZE; pages of any size that come back are followed. */
  experiencesPageSize?: number;
  /** Retries after the first attempt (429, 5xx, network errors). Default 5. */
  maxRetries?: number;
  /** Base of the exponential backoff, in ms (attempt n waits about base·2^(n-1), with jitter). Default 200. */
  retryBaseMs?: number;
  /** Called after every HTTP attempt (success or not). Never receives the token. */
  onRequest?: (e: RequestEvent) => void;
  userAgent?: string;
  /** Timeout of one HTTP attempt (headers and body), in ms; 0 disables. Default 60000. */
  timeoutMs?: number;
  /** Waits between attempts (tests replace it to observe delays); must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** `ResimApi` plus what only the owner of the client needs. */
export interface ResimClient extends ResimApi {
  /** RemoveSystemsFromExperiences (docs/api.md): POST `/projects/{projectID}/systems/removeExperiences`, 204. */
  removeSystemsFromExperiences(projectID: string, systemIDs: string[], experienceIDs: string[], signal?: AbortSignal): Promise<void>;
  /** Closes idle keep-alive connections. The client stays usable (new connections are opened). */
  close(): void;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const seg = encodeURIComponent;

/**
 * A client for one API base URL and one set of credentials.
 *
 * Retries (docs/api.md "Retries that never duplicate"): every call but CreateExperience is retried
 * on 429, 5xx and transient network errors, up to `maxRetries` times, waiting `Retry-After`
 * (capped at 30 s) or an exponential backoff with jitter; `ECONNREFUSED` is retried once only,
 * DNS failures never. 400/401/403/404/409 are final, except that a 401 with client credentials
 * fetches a new token and retries once. CreateExperience: see `createExperience`.
 *
 * @throws Error when `apiUrl` is not an http(s) URL or `concurrency`/`maxRetries` are invalid.
 */
export function createResimClient(opts: ResimClientOptions): ResimClient {
  const baseUrl = normalizeApiUrl(opts.apiUrl);
  const concurrency = opts.concurrency ?? READ_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  const writeConcurrency = opts.writeConcurrency ?? WRITE_CONCURRENCY;
  if (!Number.isInteger(writeConcurrency) || writeConcurrency < 1)
    throw new Error(`writeConcurrency must be an integer ≥ 1, got ${writeConcurrency}`);
  const experiencesPageSize = opts.experiencesPageSize ?? EXPERIENCES_PAGE_SIZE;
  if (!Number.isInteger(experiencesPageSize) || experiencesPageSize < 1)
    throw new Error(`experiencesPageSize must be an integer ≥ 1, got ${experiencesPageSize}`);
  const maxRetries = opts.maxRetries ?? 5;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new Error(`maxRetries must be an integer ≥ 0, got ${maxRetries}`);
  const retryBaseMs = Math.max(0, opts.retryBaseMs ?? 200);
  const timeoutMs = Math.max(0, opts.timeoutMs ?? 60_000);
  const sleep = opts.sleep ?? defaultSleep;
  const userAgent = opts.userAgent ?? `resim-experience-sync (node ${process.version})`;
  const auth = opts.auth;
  const transport = createTransport({ baseUrl, auth, concurrency, writeConcurrency, timeoutMs, userAgent, onRequest: opts.onRequest });
  const { buildUrl, attemptOnce } = transport;
  const retrier = createRetrier({ maxRetries, retryBaseMs, sleep, auth });

  /** One call with retries. Resolves with the parsed JSON body (`undefined` for an empty one). */
  const call = (spec: CallSpec, signal?: AbortSignal): Promise<unknown> => retrier.run(spec, attemptOnce, signal);
  const listAll = <T>(operation: string, path: string, key: string, query: Query, signal?: AbortSignal, pageSize?: number): Promise<T[]> =>
    listPages<T>(call, buildUrl, operation, path, key, query, signal, pageSize);

  const experiencesPath = (projectID: string) => `projects/${seg(projectID)}/experiences`;

  /** The experience IDs of a membership listing (a tag's or a system's experiences), all pages. */
  async function memberIDs(operation: string, path: string, archived: boolean, signal?: AbortSignal): Promise<string[]> {
    const list = await listAll<Experience>(operation, path, 'experiences', { archived }, signal);
    return list.map((e) => e.experienceID);
  }

  /** ListExperiences with `name=` (both `archived` values), keeping exact name matches only. */
  async function findExperiencesByName(projectID: string, name: string, signal?: AbortSignal): Promise<Experience[]> {
    const lists = await Promise.all(
      [false, true].map((archived) =>
        listAll<Experience>(
          'ListExperiences',
          experiencesPath(projectID),
          'experiences',
          { archived, name, includeCustomFields: true },
          signal,
        ),
      ),
    );
    return lists.flat().filter((e) => e.name === name);
  }

  /** The experience to adopt after a lost create, preferring an unarchived one. */
  async function adoptable(projectID: string, name: string, signal?: AbortSignal): Promise<Experience | undefined> {
    const found = await findExperiencesByName(projectID, name, signal);
    return found.find((e) => !e.archived) ?? found[0];
  }

  /**
   * CreateExperience (docs/api.md): POST `/projects/{projectID}/experiences`, 201 `Experience`.
   * The lost-create rule (docs/api.md "Retries that never duplicate"): a 429 is retried (nothing was
   * written). On a 5xx or a broken connection the answer may be lost: the name is looked up first
   * (archived and not) and an experience with exactly that name is adopted; only if there is none
   * is the create sent again. A 409 after such a lost answer is resolved the same way; a 409 on
   * a create that cannot have been written before is an `ApiError` (the name is taken).
   */
  async function createExperience(projectID: string, input: CreateExperienceInput, signal?: AbortSignal): Promise<Experience> {
    const spec: CallSpec = { operation: 'CreateExperience', method: 'POST', path: experiencesPath(projectID), body: input };
    let mayHaveWritten = false;

    const lookupOrFail = async (cause: ApiError): Promise<Experience | undefined> => {
      try {
        return await adoptable(projectID, input.name, signal);
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'aborted') throw e;
        throw new ApiError({
          operation: 'CreateExperience',
          kind: cause.kind,
          status: cause.status,
          method: 'POST',
          url: cause.url,
          code: cause.code,
          detail: `the answer was lost (${cause.status ?? cause.code ?? 'network error'}) and looking up "${input.name}" failed: ${(e as Error).message}; the experience may exist: run sync again to converge`,
        });
      }
    };

    const onFailure = async (err: ApiError): Promise<{ value: Experience } | undefined> => {
      if (err.status === 409) {
        if (mayHaveWritten) {
          const found = await lookupOrFail(err);
          if (found) return { value: found };
        }
        throw new ApiError({
          operation: 'CreateExperience',
          kind: 'http',
          status: 409,
          apiMessage: err.apiMessage,
          method: 'POST',
          url: err.url,
          hint: `An experience named "${input.name}" may already exist in the project (archived ones included).`,
        });
      }
      const lost =
        (err.kind === 'http' && err.status !== undefined && err.status >= 500) ||
        (err.kind === 'network' && !NEVER_SENT_CODES.has(err.code ?? '') && !isPermanentNetworkCode(err.code));
      if (lost) {
        mayHaveWritten = true;
        const found = await lookupOrFail(err);
        if (found) return { value: found };
      }
      return undefined;
    };
    return (await retrier.run(spec, attemptOnce, signal, onFailure)) as Experience;
  }

  const client: ResimClient = {
    baseUrl,
    writeConcurrency,

    /** ListProjects (docs/api.md): GET `/projects`, all pages. */
    listProjects(signal) {
      return listAll<Project>('ListProjects', 'projects', 'projects', {}, signal);
    },

    /** GetProject (docs/api.md): GET `/projects/{projectID}`, 200 `Project`; 404 unknown ID. */
    async getProject(projectID, signal) {
      return (await call({ operation: 'GetProject', method: 'GET', path: `projects/${seg(projectID)}` }, signal)) as Project;
    },

    /**
     * A project by ID (GetProject, when the text is a UUID), else by name among ListProjects:
     * exact name, then a unique case-insensitive match. No match: `ApiError` with status 404
     * (operation `ResolveProject`); several case-insensitive matches: status 409.
     */
    async resolveProject(nameOrID, signal) {
      const wanted = nameOrID.trim();
      const listUrl = buildUrl('projects');
      if (UUID_RE.test(wanted)) {
        try {
          return await client.getProject(wanted.toLowerCase(), signal);
        } catch (e) {
          if (!(e instanceof ApiError) || e.status !== 404) throw e;
        }
      }
      const projects = wanted ? await client.listProjects(signal) : [];
      const exact = projects.filter((p) => p.name === wanted || p.projectID === wanted);
      if (exact.length >= 1) return exact[0];
      const lower = wanted.toLowerCase();
      const ci = projects.filter((p) => p.name.toLowerCase() === lower);
      if (ci.length === 1) return ci[0];
      if (ci.length > 1) {
        throw new ApiError({
          operation: 'ResolveProject',
          kind: 'http',
          status: 409,
          method: 'GET',
          url: listUrl,
          detail: `"${wanted}" matches several projects when case is ignored: ${ci.map((p) => `"${p.name}" (${p.projectID})`).join(', ')}`,
          hint: 'Give the exact name or the project ID (--project, RESIM_PROJECT).',
        });
      }
      throw new ApiError({
        operation: 'ResolveProject',
        kind: 'http',
        status: 404,
        method: 'GET',
        url: listUrl,
        detail: wanted
          ? `no project named "${wanted}" or with that ID among the ${projects.length} project(s) these credentials can see`
          : 'no project given',
        hint: 'Check --project (RESIM_PROJECT) and the credentials.',
      });
    },

    /** ListExperiences (docs/api.md): GET `/projects/{projectID}/experiences?archived=…&includeCustomFields=true`, all pages. */
    listExperiences(projectID, archived, signal) {
      return listAll<Experience>(
        'ListExperiences',
        experiencesPath(projectID),
        'experiences',
        { archived, includeCustomFields: true },
        signal,
        experiencesPageSize,
      );
    },

    findExperiencesByName,
    createExperience,

    /**
     * UpdateExperience (docs/api.md): PATCH `/projects/{projectID}/experiences/{experienceID}` with
     * `{experience, updateMask}`, 200 `Experience`. Idempotent, so retried.
     */
    async updateExperience(
      projectID: string,
      experienceID: string,
      fields: UpdateExperienceFields,
      updateMask: ExperienceField[],
      signal?: AbortSignal,
    ) {
      return (await call(
        {
          operation: 'UpdateExperience',
          method: 'PATCH',
          path: `${experiencesPath(projectID)}/${seg(experienceID)}`,
          body: { experience: fields, updateMask },
        },
        signal,
      )) as Experience;
    },

    /** ArchiveExperience (docs/api.md): DELETE `/projects/{projectID}/experiences/{experienceID}`, 204. */
    async archiveExperience(projectID, experienceID, signal) {
      await call({ operation: 'ArchiveExperience', method: 'DELETE', path: `${experiencesPath(projectID)}/${seg(experienceID)}` }, signal);
    },

    /** RestoreExperience (docs/api.md): POST `/projects/{projectID}/experiences/{experienceID}/restore`, 204. */
    async restoreExperience(projectID, experienceID, signal) {
      await call(
        { operation: 'RestoreExperience', method: 'POST', path: `${experiencesPath(projectID)}/${seg(experienceID)}/restore` },
        signal,
      );
    },

    /** ListExperienceTags (docs/api.md): GET `/projects/{projectID}/experienceTags`, all pages. */
    listExperienceTags(projectID, signal): Promise<ExperienceTag[]> {
      return listAll<ExperienceTag>('ListExperienceTags', `projects/${seg(projectID)}/experienceTags`, 'experienceTags', {}, signal);
    },

    /** ListExperiencesWithExperienceTag (docs/api.md): GET `/projects/{projectID}/experienceTags/{tagID}/experiences?archived=…`, IDs of all pages. */
    listExperienceIDsWithTag(projectID, tagID, archived, signal) {
      return memberIDs(
        'ListExperiencesWithExperienceTag',
        `projects/${seg(projectID)}/experienceTags/${seg(tagID)}/experiences`,
        archived,
        signal,
      );
    },

    /** AddTagsToExperiences (docs/api.md): POST `/projects/{projectID}/experienceTags/addExperiences` `{experienceTagIDs, experiences}`, 201. */
    async addTagsToExperiences(projectID, tagIDs, experienceIDs, signal) {
      await call(
        {
          operation: 'AddTagsToExperiences',
          method: 'POST',
          path: `projects/${seg(projectID)}/experienceTags/addExperiences`,
          body: { experienceTagIDs: tagIDs, experiences: experienceIDs },
        },
        signal,
      );
    },

    /** RemoveExperienceTagFromExperience (docs/api.md): DELETE `/projects/{projectID}/experienceTags/{tagID}/experiences/{experienceID}`, 204. */
    async removeTagFromExperience(projectID, tagID, experienceID, signal) {
      await call(
        {
          operation: 'RemoveExperienceTagFromExperience',
          method: 'DELETE',
          path: `projects/${seg(projectID)}/experienceTags/${seg(tagID)}/experiences/${seg(experienceID)}`,
        },
        signal,
      );
    },

    /** ListSystems (docs/api.md): GET `/projects/{projectID}/systems`, all pages. */
    listSystems(projectID, signal): Promise<System[]> {
      return listAll<System>('ListSystems', `projects/${seg(projectID)}/systems`, 'systems', {}, signal);
    },

    /** ListExperiencesForSystem (docs/api.md): GET `/projects/{projectID}/systems/{systemID}/experiences?archived=…`, IDs of all pages. */
    listExperienceIDsForSystem(projectID, systemID, archived, signal) {
      return memberIDs('ListExperiencesForSystem', `projects/${seg(projectID)}/systems/${seg(systemID)}/experiences`, archived, signal);
    },

    /** AddSystemsToExperiences (docs/api.md): POST `/projects/{projectID}/systems/addExperiences` `{systemIDs, experiences}`, 201. */
    async addSystemsToExperiences(projectID, systemIDs, experienceIDs, signal) {
      await call(
        {
          operation: 'AddSystemsToExperiences',
          method: 'POST',
          path: `projects/${seg(projectID)}/systems/addExperiences`,
          body: { systemIDs, experiences: experienceIDs },
        },
        signal,
      );
    },

    async removeSystemsFromExperiences(projectID, systemIDs, experienceIDs, signal) {
      await call(
        {
          operation: 'RemoveSystemsFromExperiences',
          method: 'POST',
          path: `projects/${seg(projectID)}/systems/removeExperiences`,
          body: { systemIDs, experiences: experienceIDs },
        },
        signal,
      );
    },

    /** ListTestSuites (docs/api.md): GET `/projects/{projectID}/suites?archived=false`, all pages. */
    listTestSuites(projectID, signal): Promise<TestSuite[]> {
      return listAll<TestSuite>('ListTestSuites', `projects/${seg(projectID)}/suites`, 'testSuites', { archived: false }, signal);
    },

    /**
     * ReviseTestSuite (docs/api.md): PATCH `/projects/{projectID}/suites/{testSuiteID}` `{experiences}`,
     * 200 `TestSuite` (the new revision). Retried: the same membership twice is the same result.
     */
    async reviseTestSuite(projectID, testSuiteID, experienceIDs, signal) {
      return (await call(
        {
          operation: 'ReviseTestSuite',
          method: 'PATCH',
          path: `projects/${seg(projectID)}/suites/${seg(testSuiteID)}`,
          body: { experiences: experienceIDs },
        },
        signal,
      )) as TestSuite;
    },

    close() {
      transport.close();
    },
  };
  return client;
}
