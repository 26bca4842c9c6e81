/**
 * The activities API (API.md "Activities", qc_platform/activities/schemas.py): search of
 * sessions, activities, registrations and waitlists, the personal calendar feed, the kiosk.
 */

import { pathId, query, request, type Area, type Page, type Space } from '../api'

export type Audience = 'everyone' | 'children' | 'young_people' | 'families' | 'elderly' | 'women' | 'migrants'
export const AUDIENCES: Audience[] = ['everyone', 'children', 'young_people', 'families', 'elderly', 'women', 'migrants']
export type SessionStatus = 'scheduled' | 'cancelled'
export type RegistrationStatus = 'confirmed' | 'waitlisted' | 'cancelled'

export interface Category {
  code: string
  name: string
  description: string
}

export interface PlaceRef {
  id: number
  slug: string
  name: string
  address: string
}

export interface ActivitySummary {
  id: number
  title: string
  category: string
  audience: Audience
  languages: string[]
  free: boolean
  price_cents: number
  registration_required: boolean
  capacity: number | null
  recurring: boolean
  space: PlaceRef
}

export interface SessionBrief {
  id: number
  activity_id: number
  starts_at: string
  ends_at: string
  status: SessionStatus
  cancel_reason: string | null
  confirmed: number
  waitlisted: number
  /** null: anyone may come (no registration, or no limit). */
  seats_left: number | null
}

export interface Session extends SessionBrief {
  activity: ActivitySummary
}

export interface Activity {
  id: number
  space_id: number
  space: PlaceRef
  organisation: { id: number; name: string }
  title: string
  description: string
  category: string
  audience: Audience
  languages: string[]
  accessibility_notes: string
  price_cents: number
  free: boolean
  starts_at: string
  ends_at: string
  rrule: string | null
  capacity: number | null
  registration_required: boolean
  created_at: string
  updated_at: string
  next_session: SessionBrief | null
  json_ld: Record<string, unknown>
}

/** What an operator writes (PATCH: any of them, without space_id). */
export interface ActivityWrite {
  space_id?: number
  title?: string
  description?: string
  category?: string
  audience?: Audience
  languages?: string[]
  accessibility_notes?: string
  price_cents?: number
  /** "2026-03-12T18:00:00": without an offset, the API reads it on Milan's clocks. */
  starts_at?: string
  ends_at?: string
  rrule?: string | null
  capacity?: number | null
  registration_required?: boolean
}

export interface Registration {
  id: number
  session_id: number
  status: RegistrationStatus
  /** 1 for the first on the waitlist; null unless waitlisted. */
  waitlist_position: number | null
  attended: boolean | null
  created_at: string
  promoted_at: string | null
  cancelled_at: string | null
}

export interface MyRegistration extends Registration {
  session: Session
}

export interface SessionRegistration extends Registration {
  person: { id: number; display_name: string } | null
  desk_name: string | null
}

export interface AttendanceSummary {
  session_id: number
  attended: number
  absent: number
  not_recorded: number
  walk_ins: number | null
  recorded_at: string | null
}

export interface CalendarFeed {
  active: boolean
  url: string | null
  webcal_url: string | null
  created_at: string | null
}

export interface KioskSession {
  session_id: number
  activity_id: number
  title: string
  category: string
  audience: Audience
  starts_at: string
  ends_at: string
  status: SessionStatus
  registration_required: boolean
  capacity: number | null
  seats_left: number | null
  waitlisted: number
}

export interface Kiosk {
  space: { id: number; slug: string; name: string }
  generated_at: string
  today: KioskSession[]
  next: KioskSession[]
  socket: { path: string; auth: { kiosk: string }; room: string; event: string }
}

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
  create: (body: ActivityWrite) => request<Activity>('POST', '/activities', body),
  update: (activityId: number, body: ActivityWrite) => request<Activity>('PATCH', `/activities/${pathId(activityId)}`, body),
  session: (sessionId: number, signal?: AbortSignal) =>
    request<Session>('GET', `/sessions/${pathId(sessionId)}`, undefined, signal),
  cancelSession: (sessionId: number, reason: string | null) =>
    request<Session>('POST', `/sessions/${pathId(sessionId)}/cancel`, { reason }),

  /** `key`: an Idempotency-Key, so that a retry after a lost answer never books twice. */
  register: (sessionId: number, key: string, body: { user_id?: number; desk_name?: string } = {}) =>
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
  attendance: (sessionId: number, body: { attendance: { registration_id: number; attended: boolean }[]; walk_ins: number | null }) =>
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
