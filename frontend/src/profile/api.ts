/** The profile's own calls: my name and language, my sessions and my personal tokens. */

import { pathId, request, type Page, type Schemas } from '../api'

export type UserSession = Schemas['Session']
export type Token = Schemas['Token']

export const profile = {
  sessions: (signal?: AbortSignal) => request<Page<UserSession>>('GET', '/auth/sessions?limit=100', undefined, signal),
  endSession: (id: number) => request<void>('DELETE', `/auth/sessions/${pathId(id)}`),
  endOtherSessions: () => request<void>('POST', '/auth/logout-everywhere'),
  tokens: (signal?: AbortSignal) => request<Page<Token>>('GET', '/auth/tokens?limit=100', undefined, signal),
  revokeToken: (id: number) => request<void>('DELETE', `/auth/tokens/${pathId(id)}`),
}
