/** JSON client for /api/v1: same origin, session cookie, UI language, CSRF header. */

import { lang, t } from './i18n'

export const API = '/api/v1'

export interface Area {
  id: number
  code: string
  number: number
  name: string
  model: string
  description: string
  startup_funding_cents: number
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
export type OpeningHours = Partial<Record<Weekday, [string, string][]>>

export interface Space {
  id: number
  slug: string
  name: string
  area_id: number
  complex_id: number | null
  organisation_id: number | null
  address: string
  opening_hours: OpeningHours | null
  description: string
  area?: { id: number; code: string; name: string }
  complex?: { id: number; name: string; address?: string } | null
  organisation?: { id: number; name: string } | null
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface RoleGrant {
  role: string
  scope_type: string | null
  scope_id: number | null
}

export interface Me {
  id: number
  email: string
  display_name: string
  locale: string
  roles: RoleGrant[]
  csrf_token: string
}

export interface Notification {
  id: number
  kind: string
  title: string
  body: string
  /** An app path (e.g. "/profilo"), or null. */
  link: string | null
  created_at: string
  read_at: string | null
}

export interface NotificationPage extends Page<Notification> {
  unread_count: number
}

/** The Socket.IO `notification` event: the new notification and the unread count after it. */
export interface LiveNotification extends Omit<Notification, 'read_at'> {
  unread_count: number
}

export interface NotificationPreference {
  kind: string
  name: string
  description: string
  email: boolean
}

export interface NotificationPreferences extends Page<NotificationPreference> {
  /** False when the server has no SMTP configured: e-mail cannot be switched on. */
  email_enabled: boolean
}

/** A failed request: HTTP status, localised message and per-field messages. */
/** A query string of the parameters that have a value: "", null, undefined and false are
 * left out ("?a=1&b=x", or "" when none has). */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** An id as a path segment. */
export const pathId = (n: number): string => encodeURIComponent(String(n))

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let csrfToken: string | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function flattenFieldErrors(errors: unknown): Record<string, string[]> {
  // flask-smorest: {"json": {"field": ["msg"]}, "query": {...}}; nested fields become "a.b"
  const out: Record<string, string[]> = {}
  const walk = (node: unknown, prefix: string): void => {
    if (Array.isArray(node)) {
      const msgs = node.filter((m): m is string => typeof m === 'string')
      if (msgs.length) out[prefix || '_schema'] = [...(out[prefix || '_schema'] ?? []), ...msgs]
      return
    }
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k)
    }
  }
  if (errors && typeof errors === 'object') {
    for (const location of Object.values(errors as Record<string, unknown>)) walk(location, '')
  }
  return out
}

/**
 * A call to /api/v1; `body` is sent as JSON, or as multipart when it is a FormData;
 * `extraHeaders` e.g. an `Idempotency-Key`.
 */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = {
    ...extraHeaders,
    Accept: 'application/json',
    'Accept-Language': lang(),
  }
  // multipart uploads: the browser writes the Content-Type (with its boundary) itself
  const multipart = body instanceof FormData
  if (body !== undefined && !multipart) headers['Content-Type'] = 'application/json'
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res: Response
  try {
    res = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : multipart ? body : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    })
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err
    throw new ApiError(0, t('networkError'))
  }

  if (res.status === 204) return undefined as T
  let data: unknown = null
  const type = res.headers.get('Content-Type') ?? ''
  if (type.includes('json')) {
    try {
      data = await res.json()
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const obj = (data ?? {}) as { message?: unknown; errors?: unknown }
    const message = typeof obj.message === 'string' && obj.message ? obj.message : t('genericError')
    throw new ApiError(res.status, message, flattenFieldErrors(obj.errors))
  }
  return data as T
}

export const api = {
  areas: (signal?: AbortSignal) => request<Page<Area>>('GET', '/areas', undefined, signal),
  spaces: (signal?: AbortSignal) =>
    request<Page<Space>>('GET', '/spaces?limit=100', undefined, signal),
  space: (slug: string, signal?: AbortSignal) =>
    request<Space>('GET', `/spaces/${encodeURIComponent(slug)}`, undefined, signal),
  me: (signal?: AbortSignal) => request<Me>('GET', '/auth/me', undefined, signal),
  login: (email: string, password: string) =>
    request<Me>('POST', '/auth/login', { email, password }),
  register: (payload: { email: string; password: string; display_name: string; locale: string }) =>
    request<unknown>('POST', '/auth/register', payload),
  logout: () => request<void>('POST', '/auth/logout'),

  notifications: (
    options: { unread?: boolean; limit?: number; cursor?: string | null } = {},
    signal?: AbortSignal,
  ) => {
    const query = new URLSearchParams()
    if (options.unread) query.set('unread', 'true')
    if (options.limit) query.set('limit', String(options.limit))
    if (options.cursor) query.set('cursor', options.cursor)
    const qs = query.toString()
    return request<NotificationPage>('GET', `/notifications${qs ? `?${qs}` : ''}`, undefined, signal)
  },
  markNotificationRead: (id: number) =>
    request<Notification>('POST', `/notifications/${encodeURIComponent(String(id))}/read`),
  markAllNotificationsRead: () =>
    request<{ updated: number; unread_count: number }>('POST', '/notifications/read-all'),
  notificationPreferences: (signal?: AbortSignal) =>
    request<NotificationPreferences>('GET', '/notifications/preferences', undefined, signal),
  saveNotificationPreferences: (preferences: { kind: string; email: boolean }[]) =>
    request<NotificationPreferences>('PUT', '/notifications/preferences', { preferences }),
}
