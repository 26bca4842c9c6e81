/** JSON client for /api/v1: same origin, session cookie, UI language, CSRF header. */

import type { components } from './api-schema'
import { lang, t } from './i18n'

export const API = '/api/v1'

/**
 * The API's schemas, generated from its OpenAPI document into api-schema.d.ts
 * (`make api-types`; see frontend/README.md): `Schemas['Report']` is what the API sends.
 */
export type Schemas = components['schemas']

/**
 * `T` with the fields of `N` typed more precisely than the OpenAPI document can say (a pair
 * of strings, a computed field the document leaves untyped): each use says why. A field
 * that `T` no longer has is an error here, as anywhere else.
 */
export type Narrow<T, N extends { [K in keyof N]: K extends keyof T ? unknown : never }> = Omit<T, keyof N> & N

export type Area = Schemas['Area']

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
/** Each day's opening intervals, `{"mon": [["09:00", "12:30"]]}`: the document's `string[][]`,
 * whose inner arrays have exactly two items (minItems = maxItems = 2), i.e. pairs. */
export type OpeningHours = { [D in keyof Schemas['Space']['opening_hours']]?: [string, string][] }

export type Space = Narrow<Schemas['Space'], { opening_hours: OpeningHours }>
/** A space read on its own: with its area, complex and organisation. */
export type SpaceDetail = Narrow<Schemas['SpaceDetail'], { opening_hours: OpeningHours }>

/** A page of a list: every `…Page` schema of the API has this shape. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export type RoleGrant = Schemas['Role']
export type Me = Schemas['Me']
export type Notification = Schemas['Notification']
export type NotificationPage = Schemas['NotificationPage']

/** The Socket.IO `notification` event: the new notification and the unread count after it. */
export interface LiveNotification extends Omit<Notification, 'read_at'> {
  unread_count: number
}

export type NotificationPreference = Schemas['Preference']
/** `email_enabled` is false when the server has no SMTP configured: e-mail cannot be switched on. */
export type NotificationPreferences = Schemas['Preferences']

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
    request<SpaceDetail>('GET', `/spaces/${encodeURIComponent(slug)}`, undefined, signal),
  me: (signal?: AbortSignal) => request<Me>('GET', '/auth/me', undefined, signal),
  login: (email: string, password: string) =>
    request<Me>('POST', '/auth/login', { email, password }),
  register: (payload: Schemas['Register']) => request<Schemas['User']>('POST', '/auth/register', payload),
  logout: () => request<void>('POST', '/auth/logout'),
  /** My display name or language (of the web app, notifications and e-mails). */
  updateMe: (changes: Schemas['ProfileUpdate']) => request<Schemas['User']>('PATCH', '/users/me', changes),

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
    request<Schemas['ReadAll']>('POST', '/notifications/read-all'),
  notificationPreferences: (signal?: AbortSignal) =>
    request<NotificationPreferences>('GET', '/notifications/preferences', undefined, signal),
  saveNotificationPreferences: (preferences: Schemas['PreferenceChoice'][]) =>
    request<NotificationPreferences>('PUT', '/notifications/preferences', { preferences }),
}
