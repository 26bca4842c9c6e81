/**
 * The feedback API (segnalazioni): its calls, with the types generated from the OpenAPI
 * document (../api-schema.d.ts, from qc_platform/feedback/schemas.py).
 */

import { pathId, query, request, type Narrow, type Page, type Schemas } from '../api'
import { lang } from '../i18n'

export type ReportStatus = Schemas['Report']['status']

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

export type RouteTo = Schemas['Assignment']['target']
export const ROUTE_TARGETS: RouteTo[] = ['custodian', 'committee', 'staff']

export type Category = Schemas['Category']
export type Complex = Schemas['Complex']
export type Person = Schemas['Person']
export type Assignment = Schemas['Assignment']
export type Report = Schemas['Report']
export type ReportUpdate = Schemas['Update']
export type Attachment = Schemas['Attachment']
/** `category` is the category's code (a computed field the document leaves untyped). */
export type RoutingRule = Narrow<Schemas['RoutingRule'], { category: string }>
export type Accreditation = Schemas['Accreditation']
/** `complex_ids`: the ids of the complexes it covers (a computed field, untyped in the document). */
export type Committee = Narrow<Schemas['Committee'], { complex_ids: number[] }>
export type Member = Schemas['Member']
export type Stats = Schemas['FeedbackStats']

export interface ReportFilters {
  status?: string
  category?: string
  complex_id?: string
  overdue?: string
}

export type NewReport = Schemas['ReportCreate']

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
  addUpdate: (reportId: number, payload: Schemas['UpdateCreate']) =>
    request<ReportUpdate>('POST', `/feedback/reports/${pathId(reportId)}/updates`, payload),
  support: (reportId: number) => request<Report>('POST', `/feedback/reports/${pathId(reportId)}/supports`),
  outcome: (reportId: number, payload: Schemas['Outcome']) =>
    request<Report>('POST', `/feedback/reports/${pathId(reportId)}/outcome`, payload),
  reassign: (reportId: number, payload: Schemas['Reassign']) =>
    request<Report>('POST', `/feedback/reports/${pathId(reportId)}/reassign`, payload),
  attachments: (reportId: number, signal?: AbortSignal) =>
    all<Attachment>(`/feedback/reports/${pathId(reportId)}/attachments`, signal),
  upload(reportId: number, file: Blob, filename: string): Promise<Attachment> {
    const form = new FormData()
    form.append('file', file, filename)
    return request<Attachment>('POST', `/feedback/reports/${pathId(reportId)}/attachments`, form)
  },

  rules: (signal?: AbortSignal) => all<RoutingRule>('/feedback/routing-rules', signal),
  createRule: (payload: Schemas['RoutingRuleCreate']) =>
    request<RoutingRule>('POST', '/feedback/routing-rules', payload),
  deleteRule: (ruleId: number) => request<void>('DELETE', `/feedback/routing-rules/${pathId(ruleId)}`),

  committees: (signal?: AbortSignal) => all<Committee>('/committees', signal),
  committee: (committeeId: number) => request<Committee>('GET', `/committees/${pathId(committeeId)}`),
  createCommittee: (payload: Schemas['CommitteeCreate']) =>
    request<Committee>('POST', '/committees', payload),
  accredit: (committeeId: number, payload: Schemas['AccreditationCreate']) =>
    request<Accreditation>('POST', `/committees/${pathId(committeeId)}/accreditations`, payload),
  addMember: (committeeId: number, userId: number) =>
    request<Member>('POST', `/committees/${pathId(committeeId)}/members`, { user_id: userId }),

  stats: (params: { complex_id: number; from?: string; to?: string }, signal?: AbortSignal) =>
    request<Stats>('GET', `/feedback/stats${query(params)}`, undefined, signal),
}
