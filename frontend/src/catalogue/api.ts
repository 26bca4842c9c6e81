/**
 * The catalogue API (API.md "Catalogue of micro-services", qc_platform/catalogue/schemas.py)
 * and the few places calls its pages need (organisations, spaces).
 */

import { pathId, query, request, type OpeningHours, type Page, type Space } from '../api'
import type { Message, Party } from '../marketplace/api'

/** A service request's conversation is the marketplace's mechanism (one for both). */
export type { Message, Party }

export type PriceModel = 'free' | 'fixed' | 'sliding' | 'timebank'
export const PRICE_MODELS: PriceModel[] = ['free', 'fixed', 'sliding', 'timebank']
export type ServiceStatus = 'active' | 'paused'
export type RequestStatus = 'pending' | 'accepted' | 'declined' | 'completed' | 'cancelled'
export type RequestAction = 'accept' | 'decline' | 'cancel' | 'complete'

export interface Category {
  code: string
  name: string
  description: string
}

export interface Provider {
  id: number
  name: string
  slug: string
}

export interface Closure {
  starts_on: string
  ends_on: string
  reason: string
}

export interface Service {
  id: number
  organisation: Provider
  space_id: number | null
  title: string
  description: string
  category: string
  price_model: PriceModel
  price_cents: number | null
  minutes: number | null
  languages: string[]
  accessibility: string
  availability: OpeningHours
  closures: Closure[]
  closed_on_holidays: boolean
  status: ServiceStatus
  open_now: boolean
  /** The signed-in user is an operator of its organisation. */
  mine: boolean
}

/** What an operator writes (POST: all but `status`; PATCH: any of them, no organisation). */
export interface ServiceWrite {
  organisation_id?: number
  space_id: number | null
  title: string
  description: string
  category: string
  price_model: PriceModel
  price_cents: number | null
  minutes: number | null
  languages: string[]
  accessibility: string
  availability: OpeningHours
  closures: Closure[]
  closed_on_holidays: boolean
  status?: ServiceStatus
}

export interface ServiceFilters {
  q?: string
  category?: string
  price_model?: string
  language?: string
  open_now?: boolean
  organisation?: number
  include_paused?: boolean
  limit?: number
  cursor?: string | null
}

export interface ServiceRequest {
  id: number
  service: { id: number; title: string; organisation: Provider }
  requester: Party
  message: string
  preferred_times: string
  status: RequestStatus
  price_model: PriceModel
  price_cents: number | null
  minutes: number | null
  proposed_time: string | null
  provider_note: string
  decline_reason: string | null
  transfer_id: number | null
  allowed_actions: RequestAction[]
  created_at: string
  closed_at: string | null
}

export interface Organisation {
  id: number
  slug: string
  name: string
  description: string
  website: string | null
  is_placeholder: boolean
}

export const catalogue = {
  categories: (signal?: AbortSignal) =>
    request<Page<Category>>('GET', '/catalogue/categories', undefined, signal).then((p) => p.items),
  services: (f: ServiceFilters, signal?: AbortSignal) =>
    request<Page<Service>>(
      'GET',
      `/catalogue/services${query({
        q: f.q?.trim(),
        category: f.category,
        price_model: f.price_model,
        language: f.language,
        open_now: f.open_now ? 'true' : undefined,
        organisation: f.organisation,
        include_paused: f.include_paused ? 'true' : undefined,
        limit: f.limit,
        cursor: f.cursor,
      })}`,
      undefined,
      signal,
    ),
  service: (serviceId: number, signal?: AbortSignal) =>
    request<Service>('GET', `/catalogue/services/${pathId(serviceId)}`, undefined, signal),
  createService: (body: ServiceWrite) => request<Service>('POST', '/catalogue/services', body),
  updateService: (serviceId: number, body: Partial<ServiceWrite>) =>
    request<Service>('PATCH', `/catalogue/services/${pathId(serviceId)}`, body),

  /** `key`: an Idempotency-Key, so that a repeated tap or a retry never asks twice. */
  ask: (serviceId: number, body: { message: string; preferred_times: string }, key: string) =>
    request<ServiceRequest>('POST', `/catalogue/services/${pathId(serviceId)}/requests`, body, undefined, {
      'Idempotency-Key': key,
    }),
  requests: (o: { incoming?: boolean; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<ServiceRequest>>(
      'GET',
      `/catalogue/requests${query({ incoming: o.incoming ? 'true' : undefined, limit: o.limit, cursor: o.cursor })}`,
      undefined,
      signal,
    ),
  request: (requestId: number, signal?: AbortSignal) =>
    request<ServiceRequest>('GET', `/catalogue/requests/${pathId(requestId)}`, undefined, signal),
  act: (requestId: number, action: RequestAction, body?: Record<string, unknown>) =>
    request<ServiceRequest>('POST', `/catalogue/requests/${pathId(requestId)}/${action}`, body),
  messages: (requestId: number, o: { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Message>>(
      'GET',
      `/catalogue/requests/${pathId(requestId)}/messages${query({ limit: o.limit, cursor: o.cursor })}`,
      undefined,
      signal,
    ),
  send: (requestId: number, body: string) =>
    request<Message>('POST', `/catalogue/requests/${pathId(requestId)}/messages`, { body }),

  organisation: (organisationId: number, signal?: AbortSignal) =>
    request<Organisation>('GET', `/organisations/${pathId(organisationId)}`, undefined, signal),
  /** The API reads organisations by id only: look the slug up in the (short) list. */
  organisationBySlug: async (slug: string, signal?: AbortSignal): Promise<Organisation | null> => {
    let cursor: string | null = null
    for (let i = 0; i < 20; i++) {
      const page: Page<Organisation> = await request<Page<Organisation>>(
        'GET',
        `/organisations${query({ limit: 100, cursor })}`,
        undefined,
        signal,
      )
      const found = page.items.find((o) => o.slug === slug)
      if (found) return found
      cursor = page.next_cursor
      if (cursor === null) return null
    }
    return null
  },
  spaces: (organisationId?: number, signal?: AbortSignal) =>
    request<Page<Space>>('GET', `/spaces${query({ organisation_id: organisationId, limit: 100 })}`, undefined, signal).then(
      (p) => p.items,
    ),
  space: (spaceId: number, signal?: AbortSignal) =>
    request<Space>('GET', `/spaces/${pathId(spaceId)}`, undefined, signal),
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
