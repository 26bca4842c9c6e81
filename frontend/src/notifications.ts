/**
 * The signed-in user's notifications, app-wide: the unread count shown by the header's
 * bell, and the live channel (Socket.IO) that pushes new notifications.
 *
 * The live channel is opened only once a user is known to be signed in, and
 * socket.io-client is a dynamic import (see live.ts): anonymous visitors never load it.
 *
 * The unread count has three sources: GET /notifications (on sign-in, on every (re)connect
 * of the socket, after marking as read), the `unread_count` of each live event, and the
 * answer of "mark all as read". A GET that was sent before a newer count arrived is
 * ignored when it answers, so a slow answer never winds the badge back.
 */

import { api, type LiveNotification, type Me, type Notification } from './api'
import type { LiveConnection } from './live'
import { isAppPath, navigate } from './router'

let unread: number | null = null
let version = 0
let live: LiveConnection | null = null
let liveUser: number | null = null

const countListeners = new Set<(count: number | null) => void>()
const notificationListeners = new Set<(n: LiveNotification) => void>()
const messageListeners = new Set<(payload: unknown) => void>()
const reconnectListeners = new Set<() => void>()

/** The unread count, or null while unknown (or signed out). */
export function unreadCount(): number | null {
  return unread
}

export function onUnreadChange(fn: (count: number | null) => void): () => void {
  countListeners.add(fn)
  return () => countListeners.delete(fn)
}

/**
 * Called for every live `message` event (a new message in one of my conversations, e.g.
 * an exchange's chat: `{conversation_id, link, message}`); returns the unsubscriber.
 */
export function onLiveMessage(fn: (payload: unknown) => void): () => void {
  messageListeners.add(fn)
  return () => messageListeners.delete(fn)
}

/** Called after every (re)connection of the live channel: events missed meanwhile are lost. */
export function onLiveReconnect(fn: () => void): () => void {
  reconnectListeners.add(fn)
  return () => reconnectListeners.delete(fn)
}

/** Called for every live `notification` event; returns the function that unsubscribes. */
export function onLiveNotification(fn: (n: LiveNotification) => void): () => void {
  notificationListeners.add(fn)
  return () => notificationListeners.delete(fn)
}

export function setUnread(count: number | null): void {
  version++
  if (count === unread) return
  unread = count
  for (const fn of countListeners) fn(count)
}

/** Ask the server for the unread count (one item is the smallest page). */
export async function refreshUnread(): Promise<void> {
  const asked = version
  try {
    const page = await api.notifications({ unread: true, limit: 1 })
    if (asked === version && liveUser !== null) setUnread(page.unread_count)
  } catch {
    // keep the last known count; the next event or reconnect corrects it
  }
}

function liveState(state: 'connecting' | 'connected' | 'disconnected' | 'off'): void {
  // a state for the browser tests to wait on (never on the clock), and for styling
  document.documentElement.dataset.live = state
}

function isLiveNotification(payload: unknown): payload is LiveNotification {
  if (!payload || typeof payload !== 'object') return false
  const p = payload as Record<string, unknown>
  return typeof p.id === 'number' && typeof p.title === 'string'
}

async function start(user: Me): Promise<void> {
  if (liveUser === user.id) return
  stop()
  liveUser = user.id
  void refreshUnread()
  liveState('connecting')
  // live.ts and socket.io-client: one lazily loaded chunk
  const { connectLive } = await import('./live')
  if (liveUser !== user.id) return // signed out (or switched) while the chunk was loading
  const connection = connectLive({
    onConnect: () => {
      liveState('connected')
      // also after a reconnect: events sent while offline are not replayed
      void refreshUnread()
      for (const fn of reconnectListeners) fn()
    },
    onDisconnect: () => liveState('disconnected'),
    onRefused: () => liveState('off'),
  })
  connection.on('notification', (payload) => {
    if (!isLiveNotification(payload)) return
    if (typeof payload.unread_count === 'number') setUnread(payload.unread_count)
    for (const fn of notificationListeners) fn(payload)
  })
  connection.on('message', (payload) => {
    for (const fn of messageListeners) fn(payload)
  })
  live = connection
}

function stop(): void {
  live?.close()
  live = null
  liveUser = null
  setUnread(null)
  delete document.documentElement.dataset.live
}

/** Follow the session: connect for a signed-in user, disconnect on sign-out. */
export function followSession(user: Me | null): void {
  if (user) void start(user).catch(() => liveState('off'))
  else if (liveUser !== null) stop()
}

/** Mark one notification as read, and update the count (at once, then from the server). */
export async function markRead(id: number, wasUnread = true): Promise<Notification> {
  const updated = await api.markNotificationRead(id)
  if (wasUnread && unread !== null && unread > 0) setUnread(unread - 1)
  void refreshUnread()
  return updated
}

export async function markAllRead(): Promise<number> {
  const result = await api.markAllNotificationsRead()
  setUnread(result.unread_count)
  return result.updated
}

/** A notification's link if it is a path of this site ("/…", not "//host"), else null. */
export function safeLink(link: string | null | undefined): string | null {
  if (typeof link !== 'string' || !/^\/(?![/\\])/.test(link)) return null
  return link
}

/**
 * Follow a notification's link: mark it read first (when unread; a failure does not
 * stop the navigation), then go there — inside the app when it is one of its pages.
 */
export async function openNotification(id: number, link: string | null, wasUnread: boolean): Promise<void> {
  if (wasUnread) {
    try {
      await markRead(id)
    } catch {
      // still take the user where they asked to go
    }
  }
  const target = safeLink(link)
  if (!target) return
  const url = new URL(target, location.origin)
  if (isAppPath(url.pathname)) navigate(url.pathname + url.search + url.hash)
  else location.assign(url.href)
}
