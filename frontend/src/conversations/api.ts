/**
 * The API of a private conversation, with the types generated from the OpenAPI document
 * (../api-schema.d.ts, from qc_platform/conversations/schemas.py). A conversation is read
 * where what owns it is: `<owner>/messages`, e.g. `/marketplace/exchanges/3/messages` or
 * `/catalogue/requests/5/messages`; the owner decides who reads and writes.
 */

import { query, request, type Page, type Schemas } from '../api'

/** A person as others see them: a name, never an e-mail address or phone number. */
export type Party = Schemas['Party']
/** `body` is null once hidden by moderators. */
export type Message = Schemas['Message']

/** The Socket.IO `message` event: a new message for one of my conversations. */
export interface LiveMessage {
  conversation_id: number
  link: string
  message: Message
}

export interface Conversation {
  /** A page of messages, newest first. */
  messages(o: { limit?: number; cursor?: string | null }, signal?: AbortSignal): Promise<Page<Message>>
  send(body: string): Promise<Message>
}

/** The conversation of the API resource at `ownerPath` (e.g. `/marketplace/exchanges/3`). */
export function conversationOf(ownerPath: string): Conversation {
  return {
    messages: (o, signal) =>
      request<Page<Message>>('GET', `${ownerPath}/messages${query({ limit: o.limit, cursor: o.cursor })}`, undefined, signal),
    send: (body) => request<Message>('POST', `${ownerPath}/messages`, { body }),
  }
}
