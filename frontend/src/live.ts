/**
 * Live notifications over Socket.IO — ready for the signed-in pages, not wired yet.
 * socket.io-client is imported lazily so that it never weighs on the public pages:
 * Vite puts it in its own chunk, fetched only when connectLive() is first called.
 */

export interface LiveConnection {
  on(event: string, handler: (payload: unknown) => void): void
  close(): void
}

export async function connectLive(): Promise<LiveConnection> {
  const { io } = await import('socket.io-client')
  // same origin; the session cookie authenticates the socket
  const socket = io({ transports: ['websocket'], withCredentials: true, reconnectionAttempts: 5 })
  return {
    on: (event, handler) => {
      socket.on(event, handler)
    },
    close: () => {
      socket.close()
    },
  }
}
