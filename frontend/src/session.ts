/**
 * Who is signed in. The session cookie is HttpOnly, so the app keeps a hint in
 * localStorage ("probably signed in") and only then asks /auth/me: anonymous visitors
 * never pay for that request (and never see a 401 in the console).
 */

import { ApiError, api, setCsrfToken, type Me } from './api'

const HINT_KEY = 'qc.session'

let me: Me | null = null
let loaded: Promise<Me | null> | null = null
/** The /auth/me request in flight, if any: a page asking for a fresh user shares it. */
let inflight: Promise<Me | null> | null = null
const listeners = new Set<(me: Me | null) => void>()

function hint(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1'
  } catch {
    return false
  }
}

function setHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1')
    else localStorage.removeItem(HINT_KEY)
  } catch {
    // ignore: without storage the app just asks /auth/me less cleverly
  }
}

function publish(next: Me | null): void {
  me = next
  setCsrfToken(next?.csrf_token ?? null)
  setHint(next !== null)
  for (const fn of listeners) fn(next)
}

export function currentUser(): Me | null {
  return me
}

/** Whether the header should show the profile link before /auth/me has answered. */
export function probablySignedIn(): boolean {
  return me !== null || hint()
}

export function onSessionChange(fn: (me: Me | null) => void): void {
  listeners.add(fn)
}

/** The signed-in user (asks /auth/me once per page load when the hint says so). */
export function loadSession(): Promise<Me | null> {
  if (me) return Promise.resolve(me)
  if (!hint()) return Promise.resolve(null)
  if (!loaded) {
    loaded = api
      .me()
      .then((user) => {
        publish(user)
        return user
      })
      .catch((err: unknown) => {
        loaded = null
        if (err instanceof ApiError && err.status === 401) {
          publish(null)
          return null
        }
        throw err
      })
      .finally(() => {
        inflight = null
      })
    inflight = loaded
  }
  return loaded
}

/**
 * The signed-in user as the server sees them now (roles change: a tenancy approved, a role
 * granted), for pages that show them; null when signed out.
 */
export async function refreshSession(): Promise<Me | null> {
  if (!me && !hint()) return null
  if (inflight) return inflight
  try {
    const user = await api.me()
    loaded = null
    publish(user)
    return user
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      loaded = null
      publish(null)
      return null
    }
    throw err
  }
}

export async function signIn(email: string, password: string): Promise<Me> {
  let user: Me
  try {
    user = await api.login(email, password)
  } catch (err) {
    // A session cookie the app did not know of (its storage was cleared, or the session
    // began elsewhere): the server then wants that session's CSRF token. Fetch it, retry once.
    if (!(err instanceof ApiError && err.status === 403)) throw err
    const current = await api.me().catch(() => null)
    if (!current) throw err
    setCsrfToken(current.csrf_token)
    user = await api.login(email, password)
  }
  loaded = null
  publish(user)
  return user
}

export async function signOut(): Promise<void> {
  try {
    await api.logout()
  } catch (err) {
    // an expired session is as good as signed out
    if (!(err instanceof ApiError && err.status === 401)) throw err
  }
  loaded = null
  publish(null)
}
