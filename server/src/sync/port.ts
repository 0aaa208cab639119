/** The engine's port to the ReSim API (docs/architecture.md, "Layers"). */
import type {
  CreateExperienceInput,
  Experience,
  ExperienceField,
  ExperienceTag,
  Project,
  System,
  TestSuite,
  UpdateExperienceFields,
} from '../resim/model';

/**
 * The API surface the engine needs: its port, implemented by the ReSim API client
 * (server/src/resim/client.ts) and faked by nothing (tests use the sandbox). Every method rejects
 * with `ApiError` (server/src/resim/errors.ts). Endpoints: docs/api.md.
 */
export interface ResimApi {
  readonly baseUrl: string;
  /** Most write calls the client sends at once (apply starts no more than this; a call started is sent). */
  readonly writeConcurrency?: number;
  listProjects(signal?: AbortSignal): Promise<Project[]>;
  getProject(projectID: string, signal?: AbortSignal): Promise<Project>;
  /** A project by name (exact, then case-insensitive) or by ID; ApiError 404-like when none. */
  resolveProject(nameOrID: string, signal?: AbortSignal): Promise<Project>;
  /** All experiences with `archived` as given, with custom fields, all pages. */
  listExperiences(projectID: string, archived: boolean, signal?: AbortSignal): Promise<Experience[]>;
  /** Experiences with this exact name (archived and not), for the lost-create rule. */
  findExperiencesByName(projectID: string, name: string, signal?: AbortSignal): Promise<Experience[]>;
  /** Creates; on a lost answer (5xx / network error) looks the name up and adopts it before any retry. */
  createExperience(projectID: string, input: CreateExperienceInput, signal?: AbortSignal): Promise<Experience>;
  updateExperience(
    projectID: string,
    experienceID: string,
    fields: UpdateExperienceFields,
    updateMask: ExperienceField[],
    signal?: AbortSignal,
  ): Promise<Experience>;
  archiveExperience(projectID: string, experienceID: string, signal?: AbortSignal): Promise<void>;
  restoreExperience(projectID: string, experienceID: string, signal?: AbortSignal): Promise<void>;
  listExperienceTags(projectID: string, signal?: AbortSignal): Promise<ExperienceTag[]>;
  /** IDs of the experiences with the tag, with `archived` as given, all pages. */
  listExperienceIDsWithTag(projectID: string, tagID: string, archived: boolean, signal?: AbortSignal): Promise<string[]>;
  addTagsToExperiences(projectID: string, tagIDs: string[], experienceIDs: string[], signal?: AbortSignal): Promise<void>;
  removeTagFromExperience(projectID: string, tagID: string, experienceID: string, signal?: AbortSignal): Promise<void>;
  listSystems(projectID: string, signal?: AbortSignal): Promise<System[]>;
  listExperienceIDsForSystem(projectID: string, systemID: string, archived: boolean, signal?: AbortSignal): Promise<string[]>;
  addSystemsToExperiences(projectID: string, systemIDs: string[], experienceIDs: string[], signal?: AbortSignal): Promise<void>;
  /** All unarchived test suites with their current members, all pages. */
  listTestSuites(projectID: string, signal?: AbortSignal): Promise<TestSuite[]>;
  reviseTestSuite(projectID: string, testSuiteID: string, experienceIDs: string[], signal?: AbortSignal): Promise<TestSuite>;
}
