/** Tenancy requests: mine (ask, see, withdraw) and the reviewers' queue (approve, reject). */

import { query, pathId, request, type Page, type Schemas } from '../api'

export type TenancyRequest = Schemas['TenancyVerification']
export type TenancyStatus = TenancyRequest['status']
export type Complex = Schemas['Complex']

export const STATUSES: TenancyStatus[] = ['pending', 'approved', 'rejected']

export interface QueueFilters {
  status: TenancyStatus | ''
  complex_id: number | null
}

export const tenancy = {
  /** The nine complexes, by name (the server's order is the seed's). */
  complexes: async (signal?: AbortSignal): Promise<Complex[]> => {
    const page = await request<Page<Complex>>('GET', '/complexes?limit=100', undefined, signal)
    return [...page.items].sort((a, b) => a.name.localeCompare(b.name, 'it'))
  },
  /** My own requests, newest first. */
  mine: async (signal?: AbortSignal): Promise<TenancyRequest[]> => {
    const page = await request<Page<TenancyRequest>>('GET', '/tenancy-verifications?mine=true&limit=100', undefined, signal)
    return [...page.items].reverse()
  },
  ask: (body: Schemas['TenancyRequest']) => request<TenancyRequest>('POST', '/tenancy-verifications', body),
  withdraw: (id: number) => request<void>('DELETE', `/tenancy-verifications/${pathId(id)}`),
  /** Other people's requests I may decide, oldest first. */
  queue: (f: QueueFilters, cursor: string | null, signal?: AbortSignal) =>
    request<Page<TenancyRequest>>(
      'GET',
      `/tenancy-verifications${query({ mine: 'false', status: f.status, complex_id: f.complex_id, limit: 20, cursor })}`,
      undefined,
      signal,
    ),
  approve: (id: number) =>
    request<TenancyRequest>('POST', `/tenancy-verifications/${pathId(id)}/approve`, {} satisfies Schemas['TenancyDecision']),
  reject: (id: number, note: string) =>
    request<TenancyRequest>('POST', `/tenancy-verifications/${pathId(id)}/reject`, { note } satisfies Schemas['TenancyReject']),
}
