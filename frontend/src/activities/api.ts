/**
 * The activities API: search of sessions, activities, registrations and waitlists, the
 * personal calendar feed, the kiosk; the types are generated from the OpenAPI document
 * (../api-schema.d.ts, from qc_platform/activities/schemas.py).
 */

import { pathId, query, request, type Area, type Narrow, type Page, type Schemas, type Space } from '../api'

export type Audience = Schemas['Activity']['audience']
export const AUDIENCES: Audience[] = ['everyone', 'children', 'young_people', 'families', 'elderly', 'women', 'migrants']
export type SessionStatus = Schemas['SessionBrief']['status']
export type RegistrationStatus = Schemas['Registration']['status']

export type Category = Schemas['ActivityCategory']
export type PlaceRef = Schemas['PlaceRef']

/** `category` (its code) and `recurring` are computed fields the document leaves untyped. */
export type ActivitySummary = Narrow<Schemas['ActivitySummary'], { category: string; recurring: boolean }>

/** `seats_left` is null when anyone may come (no registration, or no limit). */
export type SessionBrief = Schemas['SessionBrief']
export type Session = Narrow<Schemas['ActivitySession'], { activity: ActivitySummary }>
export type Activity = Schemas['Activity']

/** `waitlist_position`: 1 for the first on the waitlist; null unless waitlisted. */
export type Registration = Schemas['Registration']
export type MyRegistration = Narrow<Schemas['MyRegistration'], { session: Session }>
export type SessionRegistration = Schemas['SessionRegistration']
export type AttendanceSummary = Schemas['AttendanceSummary']
export type CalendarFeed = Schemas['CalendarFeed']

/** The fields taken from the activity are computed ones, which the document leaves untyped. */
export type KioskSession = Narrow<
  Schemas['KioskSession'],
  { title: string; category: string; audience: Audience; registration_required: boolean; capacity: number | null }
>

/** `socket` says how to follow the screen live (an object the document leaves open). */
export type Kiosk = Narrow<
  Schemas['Kiosk'],
  {
    today: KioskSession[]
    next: KioskSession[]
    socket: { path: string; auth: { kiosk: string }; room: string; event: string }
  }
>

/** The Socket.IO `session.seats` event. */
export interface SeatsEvent {
  session_id: number
  activity_id: number
  space_id: number
  status: SessionStatus
  starts_at: string
  ends_at: string
  capacity: number | null
  confirmed: number
  seats_left: number | null
  waitlisted: number
}

export interface SessionFilters {
  from?: string
  to?: string
  space?: string
  area?: string
  category?: string
  audience?: string
  free?: boolean
  q?: string
  limit?: number
  cursor?: string | null
}

export const activities = {
  categories: (signal?: AbortSignal) =>
    request<Page<Category>>('GET', '/activities/categories', undefined, signal).then((p) => p.items),
  areas: (signal?: AbortSignal) => request<Page<Area>>('GET', '/areas', undefined, signal).then((p) => p.items),
  spaces: (signal?: AbortSignal) =>
    request<Page<Space>>('GET', '/spaces?limit=100', undefined, signal).then((p) => p.items),
  sessions: (f: SessionFilters, signal?: AbortSignal) =>
    request<Page<Session>>(
      'GET',
      `/activities${query({
        from: f.from,
        to: f.to,
        space: f.space,
        area: f.area,
        category: f.category,
        audience: f.audience,
        free: f.free ? 'true' : undefined,
        q: f.q?.trim(),
        limit: f.limit,
        cursor: f.cursor,
      })}`,
      undefined,
      signal,
    ),
  activity: (activityId: number, signal?: AbortSignal) =>
    request<Activity>('GET', `/activities/${pathId(activityId)}`, undefined, signal),
  activitySessions: (
    activityId: number,
    o: { from?: string; to?: string; limit?: number; cursor?: string | null },
    signal?: AbortSignal,
  ) =>
    request<Page<Session>>(
      'GET',
      `/activities/${pathId(activityId)}/sessions${query({ from: o.from, to: o.to, limit: o.limit, cursor: o.cursor })}`,
      undefined,
      signal,
    ),
  create: (body: Schemas['ActivityCreate']) => request<Activity>('POST', '/activities', body),
  update: (activityId: number, body: Schemas['ActivityUpdate']) => request<Activity>('PATCH', `/activities/${pathId(activityId)}`, body),
  session: (sessionId: number, signal?: AbortSignal) =>
    request<Session>('GET', `/sessions/${pathId(sessionId)}`, undefined, signal),
  cancelSession: (sessionId: number, reason: string | null) =>
    request<Session>('POST', `/sessions/${pathId(sessionId)}/cancel`, { reason }),

  /** `key`: an Idempotency-Key, so that a retry after a lost answer never books twice. */
  register: (sessionId: number, key: string, body: Schemas['RegistrationCreate'] = {}) =>
    request<Registration>('POST', `/sessions/${pathId(sessionId)}/registrations`, body, undefined, {
      'Idempotency-Key': key,
    }),
  cancelRegistration: (registrationId: number) => request<void>('DELETE', `/registrations/${pathId(registrationId)}`),
  myRegistrations: (
    o: { when?: 'upcoming' | 'past' | 'all'; limit?: number; cursor?: string | null },
    signal?: AbortSignal,
  ) =>
    request<Page<MyRegistration>>(
      'GET',
      `/users/me/registrations${query({ when: o.when, limit: o.limit, cursor: o.cursor })}`,
      undefined,
      signal,
    ),
  registrants: (sessionId: number, o: { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<SessionRegistration>>(
      'GET',
      `/sessions/${pathId(sessionId)}/registrations${query({ limit: o.limit, cursor: o.cursor })}`,
      undefined,
      signal,
    ),
  attendance: (sessionId: number, body: Schemas['Attendance']) =>
    request<AttendanceSummary>('POST', `/sessions/${pathId(sessionId)}/attendance`, body),

  calendarFeed: (signal?: AbortSignal) => request<CalendarFeed>('GET', '/users/me/calendar-feed', undefined, signal),
  newCalendarFeed: () => request<CalendarFeed>('POST', '/users/me/calendar-feed'),
  stopCalendarFeed: () => request<void>('DELETE', '/users/me/calendar-feed'),

  kiosk: (slug: string, signal?: AbortSignal) =>
    request<Kiosk>('GET', `/spaces/${encodeURIComponent(slug)}/kiosk`, undefined, signal),
}

/** The public iCalendar feed of a space (it holds every activity of the space). */
export function spaceCalendarUrl(slug: string): string {
  return `/api/v1/spaces/${encodeURIComponent(slug)}/calendar.ics`
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context: fall back to random bytes). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
