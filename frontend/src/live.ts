/**
 * Live notifications over Socket.IO (same origin, `/socket.io`; the session cookie
 * authenticates the socket, and the server refuses anonymous ones).
 *
 * This module is only ever imported dynamically (by notifications.ts, for a signed-in
 * user), so Vite puts it and socket.io-client in their own chunk, which the public pages
 * never load and the service worker does not precache.
 */

import { io } from 'socket.io-client'

export interface LiveConnection {
  on(event: string, handler: (payload: unknown) => void): void
  close(): void
}

export interface LiveCallbacks {
  /** Connected — the first time and after every reconnection. */
  onConnect?: () => void
  onDisconnect?: () => void
  /** The server refused the connection (e.g. the session expired): no more retries. */
  onRefused?: () => void
}

export function connectLive(callbacks: LiveCallbacks = {}): LiveConnection {
  // WebSocket only: no long-polling, so no sticky sessions are needed behind a balancer
  const socket = io({
    transports: ['websocket'],
    withCredentials: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30000,
  })
  socket.on('connect', () => callbacks.onConnect?.())
  socket.on('disconnect', () => callbacks.onDisconnect?.())
  socket.on('connect_error', () => {
    // `active` is false when the server itself refused: the client will not retry
    if (!socket.active) callbacks.onRefused?.()
    else callbacks.onDisconnect?.()
  })
  return {
    on: (event, handler) => {
      socket.on(event, handler)
    },
    close: () => {
      socket.close()
    },
  }
}
