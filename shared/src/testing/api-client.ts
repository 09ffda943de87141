export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

interface Options {
  token?: string;
  headers?: Record<string, string>;
  /** Sent as-is instead of JSON-encoding `body`. */
  raw?: string;
}

/** A thin fetch wrapper for tests: JSON in, parsed JSON (or text) out. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, options: Options = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined = options.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: (text && type.includes('json') ? JSON.parse(text) : text) as T };
  }

  get<T = unknown>(path: string, options?: Options) {
    return this.request<T>('GET', path, undefined, options);
  }
  post<T = unknown>(path: string, body?: unknown, options?: Options) {
    return this.request<T>('POST', path, body, options);
  }
  patch<T = unknown>(path: string, body?: unknown, options?: Options) {
    return this.request<T>('PATCH', path, body, options);
  }
  put<T = unknown>(path: string, body?: unknown, options?: Options) {
    return this.request<T>('PUT', path, body, options);
  }
  delete<T = unknown>(path: string, options?: Options) {
    return this.request<T>('DELETE', path, undefined, options);
  }
}
