/**
 * The catalogue API (the catalogue of micro-services) and the few places calls its pages need
 * (organisations, spaces), with the types generated from the OpenAPI document
 * (../api-schema.d.ts, from qc_platform/catalogue/schemas.py).
 */

import {
  pathId,
  query,
  request,
  type Narrow,
  type OpeningHours,
  type Page,
  type Schemas,
  type Space,
  type SpaceDetail,
} from '../api'
import { conversationOf } from '../conversations/api'

export type PriceModel = Schemas['Service']['price_model']
export const PRICE_MODELS: PriceModel[] = ['free', 'fixed', 'sliding', 'timebank']
export type ServiceStatus = Schemas['Service']['status']
export type RequestStatus = Schemas['ServiceRequest']['status']
export type RequestAction = 'accept' | 'decline' | 'cancel' | 'complete'
/** A language a service may be offered in (ISO 639-1). */
export type Language = Schemas['ServiceCreate']['languages'][number]

export type Category = Schemas['CatalogueCategory']
export type Provider = Schemas['Provider']
/** A closure as the API sends it (when writing, `reason` may be left out). */
export type Closure = Schemas['ClosureOut']

/** `mine`: the signed-in user is an operator of its organisation. */
export type Service = Narrow<Schemas['Service'], { availability: OpeningHours }>

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

/** `allowed_actions`: what I may do now; `price_model`: the service's when asked (the
 * document says strings for both). */
export type ServiceRequest = Narrow<
  Schemas['ServiceRequest'],
  { allowed_actions: RequestAction[]; price_model: PriceModel }
>

export type Organisation = Schemas['Organisation']

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
  createService: (body: Schemas['ServiceCreate']) => request<Service>('POST', '/catalogue/services', body),
  updateService: (serviceId: number, body: Schemas['ServiceUpdate']) =>
    request<Service>('PATCH', `/catalogue/services/${pathId(serviceId)}`, body),

  /** `key`: an Idempotency-Key, so that a repeated tap or a retry never asks twice. */
  ask: (serviceId: number, body: Schemas['RequestCreate'], key: string) =>
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
  act: (requestId: number, action: RequestAction, body?: Schemas['Accept'] | Schemas['Decline']) =>
    request<ServiceRequest>('POST', `/catalogue/requests/${pathId(requestId)}/${action}`, body),
  /** The request's private messages, between the requester and the service's operators. */
  conversation: (requestId: number) => conversationOf(`/catalogue/requests/${pathId(requestId)}`),

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
    request<SpaceDetail>('GET', `/spaces/${pathId(spaceId)}`, undefined, signal),
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
