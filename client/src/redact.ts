/**
 * Hides secrets in any text before the extension logs or shows it: the one redaction function
 * of the project (server/src/security/redact.ts: user info in URLs, bearer tokens, OAuth
 * parameters) plus the secrets this window holds (API token, client secret, sandbox token).
 * No I/O.
 */
import { MIN_SECRET_LENGTH, redact } from '../../server/src/security/redact';

export class Redactor {
  private readonly secrets = new Set<string>();
  /** Registers a secret to hide from every log line. Short strings (< 6 chars) are ignored, as by `redact`. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }
  redact(text: string): string {
    return redact(text, [...this.secrets]);
  }
}
