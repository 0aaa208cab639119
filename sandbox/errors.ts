/**
 * The error every sandbox handler throws to answer a non-2xx status. The server turns it into
 * `{"message": "..."}` with that status, as the real API does (docs/api.md, "Errors").
 */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);
