/**
 * The API client. The session is an HttpOnly cookie set at sign-in, so every tab of the browser
 * shares it; every request says it comes from this app (a page of another site cannot), and
 * errors come back as ApiError with a message a person can read.
 */
export type Role = 'operator' | 'caseworker' | 'status-reader' | 'admin';

export interface Me {
  id: string;
  name: string;
  role: Role;
  units: string[];
  unitNames: Record<string, string>;
  /** A caseworker of NAV Vikafossen (strictly confidential documents, and their manual queue). */
  handlesProtected: boolean;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const NETWORK_ERROR = 'Får ikke kontakt med tjenesten. Sjekk nettverket og prøv igjen.';

const STATUS_TEXT: Record<number, string> = {
  401: 'Du er ikke logget inn lenger. Logg inn på nytt.',
  403: 'Du har ikke tilgang til dette.',
  404: 'Fant ikke det du ba om.',
  409: 'Noen andre har nettopp endret dette. Last siden på nytt.',
  413: 'Filene er for store.',
};

let onUnauthorized: () => void = () => {};
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-intake-csrf': '1', ...extra };
}

function messageFor(status: number, body: { message?: string } | null): string {
  const text = body?.message?.trim();
  if (text) return text.charAt(0).toUpperCase() + text.slice(1);
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Noe gikk galt hos oss. Prøv igjen om litt.' : 'Forespørselen ble avvist.');
}

async function fail(res: Response): Promise<never> {
  let body: { message?: string } | null = null;
  try {
    body = (await res.json()) as { message?: string };
  } catch {
    // not JSON
  }
  if (res.status === 401) onUnauthorized();
  throw new ApiError(res.status, messageFor(res.status, body));
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, NETWORK_ERROR);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await send(path, {
    method: init.method ?? 'GET',
    headers: headers(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (!res.ok) return fail(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export async function signIn(userId: string): Promise<void> {
  await api('/api/auth/dev-login', { method: 'POST', body: { userId } });
}

export async function signOut(): Promise<void> {
  await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Multipart upload with progress events (fetch has none for request bodies). */
export function upload<T>(path: string, form: FormData, onProgress: (p: UploadProgress) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.total });
    xhr.onload = () => {
      let body: { message?: string } | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        if (xhr.status === 401) onUnauthorized();
        reject(new ApiError(xhr.status, messageFor(xhr.status, body)));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR));
    xhr.send(form);
  });
}
