/**
 * The ReSim API models this project reads and writes (docs/api.md, "Models"): plain JSON data as
 * the API sends and receives it. The API client (client.ts) and the sandbox speak them; the
 * engine's port (server/src/sync/port.ts) is written in them.
 */

/** `{name, value}` pair of an experience's environment; order is significant. */
export interface EnvironmentVariable {
  name: string;
  value: string;
}

/** ReSim custom field. Names are case-insensitive; an update replaces the whole list. */
export interface CustomField {
  name: string;
  type: 'text' | 'number' | 'timestamp' | 'json';
  values: string[];
}

/** A ReSim project (`GET /projects`). */
export interface Project {
  projectID: string;
  name: string;
  description?: string;
  archived?: boolean;
  orgID?: string;
  creationTimestamp?: string;
}

/** A ReSim experience as the API returns it (`ListExperiences` with `includeCustomFields=true`). */
export interface Experience {
  experienceID: string;
  projectID?: string;
  name: string;
  description: string;
  locations: string[];
  profile?: string;
  environmentVariables?: EnvironmentVariable[];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: CustomField[];
  archived: boolean;
  creationTimestamp?: string;
  updateTimestamp?: string;
  userID?: string;
  orgID?: string;
}

/** `CreateExperienceInput` (POST /projects/{projectID}/experiences). */
export interface CreateExperienceInput {
  name: string;
  description: string;
  locations?: string[];
  profile?: string;
  environmentVariables?: EnvironmentVariable[];
  cacheExempt?: boolean;
  containerTimeoutSeconds?: number;
  customFields?: CustomField[];
  experienceTagIDs?: string[];
  systemIDs?: string[];
}

/** Field names that `UpdateExperience`'s `updateMask` accepts (docs/api.md). */
export type ExperienceField =
  'name' | 'description' | 'locations' | 'profile' | 'environmentVariables' | 'cacheExempt' | 'containerTimeoutSeconds' | 'customFields';

/** `UpdateExperienceFields`: all optional; only those named in the mask change. */
export type UpdateExperienceFields = Partial<Pick<Experience, ExperienceField>>;

export interface ExperienceTag {
  experienceTagID: string;
  name: string;
  description?: string;
  projectID?: string;
}

export interface System {
  systemID: string;
  name: string;
  description?: string;
  archived?: boolean;
  projectID?: string;
}

export interface TestSuite {
  testSuiteID: string;
  name: string;
  description?: string;
  systemID?: string;
  /** Experience IDs of the current revision. */
  experiences: string[];
  testSuiteRevision?: number;
  archived?: boolean;
  projectID?: string;
}
