/**
 * The resim CLI's OAuth constants (`auth/auth.go` of resim-ai/api-client): its Auth0 tenant,
 * the API's audience, and its public client IDs.
 */

/** Auth0 tenant of ReSim (the resim CLI's default `--auth-url`). */
export const DEFAULT_AUTH_URL = 'https://resim.us.auth0.com/';
/** OAuth audience of the ReSim API. */
export const RESIM_AUDIENCE = 'https://api.resim.ai';
/** The resim CLI's public OAuth client ID for people (device-code flow). */
export const CLI_INTERACTIVE_CLIENT_ID = 'gTp1Y0kOyQ7QzIo2lZm0auGM6FJZZVvy';
/** The resim CLI's public OAuth client ID for machines (client-credentials flow). */
export const CLI_NON_INTERACTIVE_CLIENT_ID = '0Ip56H1LLAo6Dc6IfePaNzgpUxbJGyVI';
