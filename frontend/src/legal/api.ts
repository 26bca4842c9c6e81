/** The API calls of the legal pages and of the account's erasure. */

import { request, type Schemas } from '../api'

export type LegalInfo = Schemas['LegalInfo']

/** The downloads of GET /users/me/export (a plain link: the browser saves the file). */
export const EXPORT_JSON = '/api/v1/users/me/export'
export const EXPORT_ZIP = '/api/v1/users/me/export?format=zip'

export const legal = {
  info: (signal?: AbortSignal) => request<LegalInfo>('GET', '/legal', undefined, signal),
  erase: (password: string) =>
    request<void>('DELETE', '/users/me', { password } satisfies Schemas['Erasure']),
}
