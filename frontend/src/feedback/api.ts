/** The feedback API (segnalazioni), as in API.md "Feedback" and qc_platform/feedback/schemas.py. */

import { pathId, query, request, type Page } from '../api'
import { lang } from '../i18n'

export type ReportStatus =
  | 'submitted'
  | 'acknowledged'
  | 'in_progress'
  | 'resolved'
  | 'closed'
  | 'rejected'
  | 'duplicate'

export const STATUSES: ReportStatus[] = [
  'submitted',
  'acknowledged',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
  'duplicate',
]
export const OPEN_STATUSES: ReportStatus[] = ['submitted', 'acknowledged', 'in_progress']

/**
 * The status changes the server accepts (qc_platform/feedback/service.py TRANSITIONS);
 * anything else is a 409. The API does not say them per report, so the app mirrors them.
 */
export const TRANSITIONS: Record<ReportStatus, ReportStatus[]> = {
  submitted: ['acknowledged', 'in_progress', 'resolved', 'rejected', 'duplicate'],
  acknowledged: ['in_progress', 'resolved', 'rejected', 'duplicate'],
  in_progress: ['resolved', 'rejected', 'duplicate'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  rejected: [],
  duplicate: [],
}

export type RouteTo = 'custodian' | 'committee' | 'staff'
export const ROUTE_TARGETS: RouteTo[] = ['custodian', 'committee', 'staff']

export interface Category {
  code: string
  name: string
  description: string
}

export interface Complex {
  id: number
  code: string
  name: string
  address: string
  district: string | null
}

export interface Person {
  id: number
  display_name: string
}

export interface Assignment {
  target: RouteTo
  complex_id: number
  committee_id: number | null
  active: boolean
  created_at: string
}

export interface Report {
  id: number
  status: ReportStatus
  category: string
  complex_id: number
  title: string
  description: string
  location_detail: string | null
  anonymous: boolean
  visibility: 'private' | 'public'
  /** Null when anonymous (except for its sender). */
  reporter: Person | null
  submitted_on_behalf: boolean
  created_at: string
  updated_at: string
  first_response_due_at: string
  first_responded_at: string | null
  overdue: boolean
  escalated: boolean
  resolved_at: string | null
  closed_at: string | null
  solved: boolean | null
  satisfaction: number | null
  support_count: number
  assignments: Assignment[]
}

export interface ReportUpdate {
  id: number
  author: Person | null
  author_role: string
  body: string
  status_from: ReportStatus | null
  status_to: ReportStatus | null
  internal: boolean
  created_at: string
}

export interface Attachment {
  id: number
  filename: string
  content_type: string
  size: number
  created_at: string
  url: string
}

export interface RoutingRule {
  id: number
  category: string
  complex_id: number | null
  route_to: RouteTo
}

export interface Accreditation {
  id: number
  valid_from: string
  valid_until: string
}

export interface Committee {
  id: number
  name: string
  complex_ids: number[]
  accreditations: Accreditation[]
  accredited_today: boolean
}

export interface Member {
  id: number
  user_id: number
  committee_id: number
}

export interface Stats {
  period: unknown
  complex_id: number | null
  total: number
  by_category: { category: string; count: number }[]
  by_status: { status: string; count: number }[]
  median_hours_to_first_response: number | null
  median_hours_to_resolution: number | null
  answered_on_time_share: number | null
  mean_satisfaction: number | null
  satisfaction_count: number
}

export interface ReportFilters {
  status?: string
  category?: string
  complex_id?: string
  overdue?: string
}

export interface NewReport {
  category: string
  complex_id: number
  title: string
  description: string
  location_detail: string | null
  anonymous: boolean
  visibility: 'private' | 'public'
  on_behalf_of?: number
}

/** Accepted attachments (the server checks the content too). */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf']
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024

/** Every page of a list (for the short ones: rules, committees, a report's updates). */
async function all<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  const sep = path.includes('?') ? '&' : '?'
  for (let i = 0; i < 50; i++) {
    const page: Page<T> = await request<Page<T>>(
      'GET',
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      signal,
    )
    items.push(...page.items)
    cursor = page.next_cursor
    if (!cursor) break
  }
  return items
}

// Categories are named in the UI language by the server; complexes are not localised.
const categoryCache = new Map<string, Promise<Category[]>>()
let complexCache: Promise<Complex[]> | null = null

export const feedback = {
  categories(): Promise<Category[]> {
    const key = lang()
    let cached = categoryCache.get(key)
    if (!cached) {
      cached = request<Page<Category>>('GET', '/feedback/categories').then((p) => p.items)
      cached.catch(() => categoryCache.delete(key))
      categoryCache.set(key, cached)
    }
    return cached
  },
  complexes(): Promise<Complex[]> {
    if (!complexCache) {
      complexCache = request<Page<Complex>>('GET', '/complexes?limit=100').then((p) => p.items)
      complexCache.catch(() => {
        complexCache = null
      })
    }
    return complexCache
  },
  complex: (complexId: number, signal?: AbortSignal) =>
    request<Complex>('GET', `/complexes/${pathId(complexId)}`, undefined, signal),

  reports: (
    filters: ReportFilters & { mine?: boolean; limit?: number; cursor?: string | null },
    signal?: AbortSignal,
  ) =>
    request<Page<Report>>('GET', `/feedback/reports${query({ ...filters })}`, undefined, signal),
  inbox: (filters: ReportFilters & { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Report>>('GET', `/feedback/inbox${query({ ...filters })}`, undefined, signal),
  report: (reportId: number, signal?: AbortSignal) =>
    request<Report>('GET', `/feedback/reports/${pathId(reportId)}`, undefined, signal),
  createReport: (payload: NewReport) => request<Report>('POST', '/feedback/reports', payload),
  updates: (reportId: number, signal?: AbortSignal) =>
    all<ReportUpdate>(`/feedback/reports/${pathId(reportId)}/updates`, signal),
  addUpdate: (reportId: number, payload: { body: string; status?: ReportStatus; internal?: boolean }) =>
    request<ReportUpdate>('POST', `/feedback/reports/${pathId(reportId)}/updates`, payload),
  support: (reportId: number) => request<Report>('POST', `/feedback/reports/${pathId(reportId)}/supports`),
  outcome: (reportId: number, payload: { solved: boolean; satisfaction: number }) =>
    request<Report>('POST', `/feedback/reports/${pathId(reportId)}/outcome`, payload),
  reassign: (reportId: number, payload: { route_to: RouteTo; committee_id?: number | null }) =>
    request<Report>('POST', `/feedback/reports/${pathId(reportId)}/reassign`, payload),
  attachments: (reportId: number, signal?: AbortSignal) =>
    all<Attachment>(`/feedback/reports/${pathId(reportId)}/attachments`, signal),
  upload(reportId: number, file: Blob, filename: string): Promise<Attachment> {
    const form = new FormData()
    form.append('file', file, filename)
    return request<Attachment>('POST', `/feedback/reports/${pathId(reportId)}/attachments`, form)
  },

  rules: (signal?: AbortSignal) => all<RoutingRule>('/feedback/routing-rules', signal),
  createRule: (payload: { category: string; complex_id: number | null; route_to: RouteTo }) =>
    request<RoutingRule>('POST', '/feedback/routing-rules', payload),
  deleteRule: (ruleId: number) => request<void>('DELETE', `/feedback/routing-rules/${pathId(ruleId)}`),

  committees: (signal?: AbortSignal) => all<Committee>('/committees', signal),
  committee: (committeeId: number) => request<Committee>('GET', `/committees/${pathId(committeeId)}`),
  createCommittee: (payload: { name: string; complex_ids: number[] }) =>
    request<Committee>('POST', '/committees', payload),
  accredit: (committeeId: number, payload: { valid_from: string; valid_until: string }) =>
    request<Accreditation>('POST', `/committees/${pathId(committeeId)}/accreditations`, payload),
  addMember: (committeeId: number, userId: number) =>
    request<Member>('POST', `/committees/${pathId(committeeId)}/members`, { user_id: userId }),

  stats: (params: { complex_id: number; from?: string; to?: string }, signal?: AbortSignal) =>
    request<Stats>('GET', `/feedback/stats${query(params)}`, undefined, signal),
}
