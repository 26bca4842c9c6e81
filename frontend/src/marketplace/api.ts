/**
 * The time bank and marketplace API, as in API.md "Time bank" and "Marketplace" and
 * qc_platform/timebank/schemas.py, qc_platform/marketplace/schemas.py.
 */

import { pathId, query, request, type Page } from '../api'
import { lang } from '../i18n'

// --- time bank ---------------------------------------------------------------------------

export interface Account {
  id: number
  owner_type: 'user' | 'organisation'
  owner_name: string
  user_id: number | null
  organisation_id: number | null
  balance_minutes: number
  floor_minutes: number
  /** How much the account can still give before its floor. */
  available_minutes: number
}

export interface Entry {
  id: number
  transfer_id: number
  /** Signed: negative when the account paid. */
  minutes: number
  memo: string
  kind: string
  counterparty: { account_id: number; name: string }
  created_at: string
}

export interface Transfer {
  id: number
  from_account_id: number
  to_account_id: number
  minutes: number
  memo: string
  created_at: string
}

export interface NewTransfer {
  to_account_id: number
  minutes: number
  memo: string
}

// --- marketplace -------------------------------------------------------------------------

export type ListingKind = 'offer' | 'request'
export type ListingStatus = 'open' | 'closed' | 'withdrawn'
export type ExchangeStatus = 'proposed' | 'accepted' | 'completed' | 'declined' | 'cancelled'
export type ExchangeAction = 'accept' | 'decline' | 'cancel' | 'complete' | 'review'

export interface Category {
  code: string
  name: string
  description: string
}

export interface Party {
  id: number
  display_name: string
}

export interface Listing {
  id: number
  kind: ListingKind
  title: string
  description: string
  category: string
  minutes_estimate: number | null
  space_id: number | null
  complex_id: number | null
  status: ListingStatus
  hidden: boolean
  owner: Party
  mine: boolean
  created_at: string
  updated_at: string
}

export interface NewListing {
  kind: ListingKind
  title: string
  description: string
  category: string
  minutes_estimate: number | null
}

export interface Review {
  id: number
  author: Party
  rating: number
  comment: string
  created_at: string
}

export interface Exchange {
  id: number
  listing: { id: number; kind: ListingKind; title: string }
  status: ExchangeStatus
  minutes: number
  /** Gives the help, receives the hours. */
  provider: Party
  /** Receives the help, pays the hours. */
  receiver: Party
  proposer_id: number
  my_role: 'provider' | 'receiver' | null
  allowed_actions: ExchangeAction[]
  transfer_id: number | null
  conversation_hidden: boolean
  reviews: Review[]
  created_at: string
  accepted_at: string | null
  closed_at: string | null
}

export interface Message {
  id: number
  conversation_id: number
  author: Party
  mine: boolean
  /** null once hidden by moderators. */
  body: string | null
  hidden: boolean
  created_at: string
}

/** The Socket.IO `message` event: a new message for one of my conversations. */
export interface LiveMessage {
  conversation_id: number
  link: string
  message: Message
}

export type FlagStatus = 'open' | 'hidden' | 'dismissed'

export interface Flag {
  id: number
  listing_id: number | null
  exchange_id: number | null
  reason: string
  status: FlagStatus
  created_at: string
  resolved_at: string | null
  resolution_note: string | null
  /** The listing's title (or that of the exchange's listing). */
  subject: string
}

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
  propose: (payload: { listing_id: number; minutes: number; message: string }) =>
    request<Exchange>('POST', '/marketplace/exchanges', payload),
  act: (exchangeId: number, action: Exclude<ExchangeAction, 'review'>) =>
    request<Exchange>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/${action}`),
  messages: (exchangeId: number, options: { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Message>>('GET', `/marketplace/exchanges/${pathId(exchangeId)}/messages${query(options)}`, undefined, signal),
  send: (exchangeId: number, body: string) =>
    request<Message>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/messages`, { body }),
  review: (exchangeId: number, payload: { rating: number; comment: string }) =>
    request<Review>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/review`, payload),
  flagExchange: (exchangeId: number, reason: string) =>
    request<Flag>('POST', `/marketplace/exchanges/${pathId(exchangeId)}/flags`, { reason }),

  flags: (options: { status?: FlagStatus; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Flag>>('GET', `/marketplace/flags${query(options)}`, undefined, signal),
  resolveFlag: (flagId: number, payload: { action: 'hide' | 'dismiss'; note: string | null }) =>
    request<Flag>('POST', `/marketplace/flags/${pathId(flagId)}/resolve`, payload),
}
