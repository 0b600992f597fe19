/**
 * The one HTTP client of the browser app: same-origin calls to /api/v1 with the session
 * cookie, JSON in and out, and every failure turned into an ApiError that a page can show.
 */

export interface FieldIssue {
  path: string;
  in?: string;
  message: string;
}

/** A failed call: the server's closed error code and message, or `network` when it was not reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string>;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

let onUnauthenticated: (() => void) | undefined;

/** The session registers here, so that an expired session anywhere sends the person to sign-in. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(response.status, error.code, error.message, Array.isArray(error.issues) ? (error.issues as FieldIssue[]) : []);
  }
  return new ApiError(response.status, 'internal', `The server answered ${response.status} ${response.statusText}`.trim());
}

/** Calls the API; resolves with the JSON body, or rejects with an ApiError (AbortError passes through). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      credentials: 'same-origin',
      // The server refuses a cookie-authenticated change without JSON or this header (src/http/csrf.ts): a form on
      // another site cannot send either, and a script there could only after a CORS preflight the server never grants.
      headers: {
        accept: 'application/json',
        'x-requested-with': 'rapport',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Rapport could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    // Sign-in answers 401 for a wrong password: that is the form's business, not a lost session.
    if (response.status === 401 && path !== '/auth/sign-in') onUnauthenticated?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/** Paths are built from ids the server gave; encoding keeps a stray character from changing the route. */
export const segment = (value: string): string => encodeURIComponent(value);
