/**
 * The time bank and marketplace API: its calls, with the types generated from the OpenAPI
 * document (../api-schema.d.ts, from qc_platform/timebank/schemas.py and
 * qc_platform/marketplace/schemas.py). An exchange's private messages are a conversation
 * (../conversations/api.ts).
 */

import { pathId, query, request, type Narrow, type Page, type Schemas } from '../api'
import { conversationOf } from '../conversations/api'
import { lang } from '../i18n'

// --- time bank ---------------------------------------------------------------------------

/** `available_minutes`: how much the account can still give before its floor. */
export type Account = Schemas['Account']
/** `minutes` is signed: negative when the account paid. */
export type Entry = Schemas['Entry']
export type Transfer = Schemas['Transfer']
export type NewTransfer = Schemas['TransferCreate']

// --- marketplace -------------------------------------------------------------------------

export type ListingKind = Schemas['Listing']['kind']
export type ListingStatus = Schemas['Listing']['status']
export type ExchangeStatus = Schemas['Exchange']['status']
export type ExchangeAction = 'accept' | 'decline' | 'cancel' | 'complete' | 'review'

export type Category = Schemas['ListingCategory']
export type Listing = Schemas['Listing']
export type NewListing = Schemas['ListingCreate']
export type Review = Schemas['Review']

/**
 * `provider` gives the help and receives the hours, `receiver` the other way round.
 * `allowed_actions`: what I may do now (the document says strings), `listing.kind` is the
 * listing's kind (a string in the document).
 */
export type Exchange = Narrow<
  Schemas['Exchange'],
  {
    allowed_actions: ExchangeAction[]
    listing: Narrow<Schemas['ListingSummary'], { kind: ListingKind }>
  }
>

export type FlagStatus = Schemas['Flag']['status']
/** `subject`: the listing's title (or that of the exchange's listing). */
export type Flag = Schemas['Flag']

export interface ListingFilters {
  q?: string
  kind?: string
  category?: string
  mine?: boolean
  status?: 'open' | 'closed'
  limit?: number
  cursor?: string | null
}

// Categories are named in the UI language by the server.
const categoryCache = new Map<string, Promise<Category[]>>()

export const timebank = {
  myAccount: (signal?: AbortSignal) => request<Account>('GET', '/timebank/accounts/me', undefined, signal),
  entries: (accountId: number, options: { limit?: number; cursor?: string | null } = {}, signal?: AbortSignal) =>
    request<Page<Entry>>('GET', `/timebank/accounts/${pathId(accountId)}/entries${query(options)}`, undefined, signal),
  /** `key` is the Idempotency-Key: the same key and body never pay twice. */
  transfer: (payload: NewTransfer, key: string) =>
    request<Transfer>('POST', '/timebank/transfers', payload, undefined, { 'Idempotency-Key': key }),
}

export const market = {
  categories(): Promise<Category[]> {
    const key = lang()
    let cached = categoryCache.get(key)
    if (!cached) {
      cached = request<Page<Category>>('GET', '/marketplace/categories').then((p) => p.items)
      cached.catch(() => categoryCache.delete(key))
      categoryCache.set(key, cached)
    }
    return cached
  },
  listings: (filters: ListingFilters, signal?: AbortSignal) =>
    request<Page<Listing>>('GET', `/marketplace/listings${query({ ...filters })}`, undefined, signal),
  listing: (listingId: number, signal?: AbortSignal) =>
    request<Listing>('GET', `/marketplace/listings/${pathId(listingId)}`, undefined, signal),
  createListing: (payload: NewListing) => request<Listing>('POST', '/marketplace/listings', payload),
  setListingStatus: (listingId: number, status: 'open' | 'closed') =>
    request<Listing>('PATCH', `/marketplace/listings/${pathId(listingId)}`, { status }),
  withdrawListing: (listingId: number) => request<void>('DELETE', `/marketplace/listings/${pathId(listingId)}`),
  flagListing: (listingId: number, reason: string) =>
    request<Flag>('POST', `/marketplace/listings/${pathId(listingId)}/flags`, { reason }),

  exchanges: (options: { status?: string; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Exchange>>('GET', `/marketplace/exchanges${query(options)}`, undefined, signal),
  exchange: (exchangeId: number, signal?: AbortSignal) =>
    request<Exchange>('GET', `/marketplace/exchanges/${pathId(exchangeId)}`, undefined, signal),
  propose: (payload: Schemas['ExchangeCreate']) =>
    request<Exchange>('POST', '/marketplace/exchanges', payload),
  act: (exchangeId: number, action: Exclude<ExchangeAction, 'review'>) =>
    request<Exchange>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/${action}`),
  /** The exchange's private messages, between its two people. */
  conversation: (exchangeId: number) => conversationOf(`/marketplace/exchanges/${pathId(exchangeId)}`),
  review: (exchangeId: number, payload: Schemas['ReviewCreate']) =>
    request<Review>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/review`, payload),
  flagExchange: (exchangeId: number, reason: string) =>
    request<Flag>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/flags`, { reason }),

  flags: (options: { status?: FlagStatus; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Flag>>('GET', `/marketplace/flags${query(options)}`, undefined, signal),
  resolveFlag: (flagId: number, payload: Schemas['FlagResolve']) =>
    request<Flag>('POST', `/marketplace/flags/${pathId(flagId)}/resolve`, payload),
}
