/**
 * An error the user can act on (bad input, an unusable file, a port in use): front ends show
 * `message` as one line, without a stack trace, and the CLI exits with `exitCode` (1 for an
 * error, 3 for a refusal by a safety guard; the exit codes of the README's "The command line").
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}
