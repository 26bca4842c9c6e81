/**
 * A private conversation on a page: an exchange of the marketplace (/scambi/<id>) or a
 * request for a catalogue service (/servizi/richieste/<id>). The server keeps one mechanism
 * for both (qc_platform/conversations/); so does the web app, here and in ./api.ts.
 *
 * The newest messages at the bottom, earlier ones on request; a message sent appears at
 * once; the other side's arrive live (Socket.IO `message` events for this page's link), and
 * after a lost connection what was said meanwhile is asked for again. A message that did
 * not leave stays in the box.
 */

import type { Me, Page } from '../api'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, lang, t } from '../i18n'
import { alertBox } from '../layout'
import { onLiveMessage, onLiveReconnect } from '../notifications'
import { errorMessage } from '../pages/common'
import { textareaField } from '../pages/scaffold'
import type { Conversation, LiveMessage, Message } from './api'

export const MESSAGES_PAGE = 30
const SEND = 'send'

const WORDS = {
  it: {
    chatHeading: 'Messaggi',
    olderMessages: 'Mostra i messaggi precedenti',
    noMessages: 'Ancora nessun messaggio.',
    messageHidden: 'Messaggio nascosto dai moderatori.',
    messageLabel: 'Scrivi un messaggio',
    sendMessage: 'Invia il messaggio',
    messageEmpty: 'Scrivi qualcosa prima di inviare.',
    you: 'Tu',
  },
  en: {
    chatHeading: 'Messages',
    olderMessages: 'Show earlier messages',
    noMessages: 'No messages yet.',
    messageHidden: 'Message hidden by the moderators.',
    messageLabel: 'Write a message',
    sendMessage: 'Send the message',
    messageEmpty: 'Write something before sending.',
    you: 'You',
  },
}

function w(key: keyof (typeof WORDS)['it']): string {
  return WORDS[lang() === 'en' ? 'en' : 'it'][key]
}

function messageItem(m: Message): Safe {
  return html`<li class="qc-message ${m.mine ? 'is-mine' : 'is-theirs'}" data-id="${m.id}">
    <p class="qc-message-meta">
      <strong class="qc-message-author">${m.mine ? w('you') : m.author.display_name}</strong> ·
      <time datetime="${m.created_at}">${formatDateTime(m.created_at)}</time>
    </p>
    ${m.hidden || m.body === null
      ? html`<p class="qc-message-body is-hidden">${w('messageHidden')}</p>`
      : html`<p class="qc-message-body qc-prewrap">${m.body}</p>`}
  </li>`
}

/** The conversation's section: who reads it (`help`), a notice (e.g. hidden by the
 * moderators), the messages, and the box to write in when `canWrite`. */
export function chatView(o: { help?: string; notice?: Safe | ''; canWrite: boolean; messageHelp?: string }): Safe {
  return html`<section class="qc-panel qc-chat" aria-labelledby="chat-heading">
    <h2 class="h4" id="chat-heading">${w('chatHeading')}</h2>
    ${o.help ? html`<p class="qc-chat-help">${o.help}</p>` : ''}
    ${o.notice ?? ''}
    <button type="button" class="btn btn-outline-primary btn-sm qc-older" hidden>${w('olderMessages')}</button>
    <div class="qc-chat-log" role="log" aria-labelledby="chat-heading">
      <ol class="qc-messages list-unstyled"></ol>
    </div>
    <p class="qc-empty qc-chat-empty" hidden>${w('noMessages')}</p>
    ${o.canWrite
      ? html`<form id="${SEND}" class="qc-form qc-form-compact qc-send" novalidate>
          ${statusRegion(SEND)}
          ${textareaField(SEND, 'body', w('messageLabel'), { help: o.messageHelp, rows: 3, maxlength: 2000, required: true })}
          <button type="submit" class="btn btn-primary">${w('sendMessage')}</button>
        </form>`
      : ''}
  </section>`
}

function isLiveMessage(payload: unknown): payload is LiveMessage {
  if (!payload || typeof payload !== 'object') return false
  const p = payload as Record<string, unknown>
  const m = p.message as Record<string, unknown> | undefined
  return typeof p.link === 'string' && !!m && typeof m.id === 'number' && typeof m.created_at === 'string'
}

/** The conversation's calls (`conversationOf` in ./api.ts), and the page's path: live
 * messages carry it. */
export interface ChatSource extends Conversation {
  link: string
}

/**
 * Bring the section drawn by `chatView` inside `root` to life, starting from the first page
 * of messages (newest first, as the API gives them). `status` is the page's live region,
 * for errors of "earlier messages". Stops listening when `signal` aborts.
 */
export function wireChat(
  root: HTMLElement,
  me: Me,
  source: ChatSource,
  first: Page<Message>,
  status: HTMLElement,
  signal: AbortSignal,
): void {
  const list = root.querySelector<HTMLElement>('.qc-messages') as HTMLElement
  const empty = root.querySelector<HTMLElement>('.qc-chat-empty') as HTMLElement
  const older = root.querySelector<HTMLButtonElement>('.qc-older') as HTMLButtonElement
  let olderCursor = first.next_cursor

  const known = (id: number): boolean => !!list.querySelector(`[data-id="${id}"]`)
  /** Newest at the bottom: `items` in any order; only the ones not shown yet. */
  const add = (items: Message[], where: 'top' | 'bottom'): void => {
    const fresh = items.filter((m) => !known(m.id)).sort((a, b) => a.id - b.id)
    if (!fresh.length) return
    list.insertAdjacentHTML(where === 'top' ? 'afterbegin' : 'beforeend', fresh.map((m) => messageItem(m).value).join(''))
    empty.hidden = true
  }
  add(first.items, 'bottom')
  empty.hidden = list.children.length > 0
  older.hidden = olderCursor === null

  older.addEventListener('click', () => {
    if (olderCursor === null) return
    older.disabled = true
    source
      .messages({ limit: MESSAGES_PAGE, cursor: olderCursor })
      .then((page) => {
        if (signal.aborted) return
        olderCursor = page.next_cursor
        add(page.items, 'top')
        older.hidden = olderCursor === null
        if (older.hidden) list.querySelector<HTMLElement>('li')?.setAttribute('tabindex', '-1')
        ;(older.hidden ? list.querySelector<HTMLElement>('li') : older)?.focus()
      })
      .catch((err: unknown) => setHtml(status, alertBox('danger', errorMessage(err))))
      .finally(() => {
        older.disabled = false
      })
  })

  const send = root.querySelector<HTMLFormElement>(`#${SEND}`)
  send?.addEventListener('submit', (event) => {
    event.preventDefault()
    const body = (formValues(send).body ?? '').trim()
    if (!body) {
      showErrors(send, t('formHasErrors'), { body: [w('messageEmpty')] })
      return
    }
    clearErrors(send)
    void busy(send, async () => {
      let sent: Message
      try {
        sent = await source.send(body)
      } catch (err) {
        showApiError(send, err) // the text stays in the box
        return
      }
      const field = send.querySelector<HTMLTextAreaElement>('textarea[name="body"]')
      if (field) field.value = ''
      add([sent], 'bottom')
      list.querySelector(`[data-id="${sent.id}"]`)?.scrollIntoView({ block: 'nearest' })
      field?.focus()
    })
  })

  const stopMessages = onLiveMessage((payload) => {
    if (!isLiveMessage(payload) || payload.link !== source.link) return
    add([{ ...payload.message, mine: payload.message.author.id === me.id }], 'bottom')
  })
  // back after a lost connection: what was said meanwhile
  const stopReconnect = onLiveReconnect(() => {
    source
      .messages({ limit: MESSAGES_PAGE })
      .then((page) => {
        if (!signal.aborted) add(page.items, 'bottom')
      })
      .catch(() => undefined)
  })
  signal.addEventListener('abort', () => {
    stopMessages()
    stopReconnect()
  })
}
