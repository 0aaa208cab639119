/** Hides registered secrets (tokens, client secrets) in any text before it is logged. No I/O. */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Registers a secret to hide from every log line. Short strings (< 6 chars) are ignored. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
}
