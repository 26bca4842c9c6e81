/**
 * Choosing photos and PDFs to attach to a report: one button opens the phone's camera
 * (`capture="environment"`), the other the gallery or files. Each file is checked here
 * first (type, 5 MB) — the server checks the content again. A photo over 5 MB, or in a
 * format the server does not take (HEIC from a phone gallery), is redrawn as a JPEG of at
 * most 2560 px when the browser can decode it. Previews are small data: URLs (the CSP
 * allows `img-src 'self' data:`, not blob:).
 */

import { html, setHtml, type Safe } from '../html'
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES } from './api'
import { fileSize } from './common'
import { ft, ftf } from './i18n'

export interface PickedFile {
  blob: Blob
  name: string
  resized: boolean
  preview: string | null
}

const MAX_SIDE = 2560
const THUMB_SIDE = 160

async function bitmap(file: Blob): Promise<ImageBitmap | null> {
  if (typeof createImageBitmap !== 'function') return null
  try {
    return await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    return null
  }
}

function draw(image: ImageBitmap, maxSide: number): HTMLCanvasElement {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(image.width * scale))
  canvas.height = Math.max(1, Math.round(image.height * scale))
  canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height)
  return canvas
}

function toJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', quality))
}

function jpegName(name: string): string {
  return (name.replace(/\.[^.]*$/, '') || 'foto') + '.jpg'
}

/** The file as it will be sent, or the reason it cannot be. */
export async function prepare(file: File): Promise<PickedFile | { error: string }> {
  const name = file.name || 'foto.jpg'
  const accepted = ATTACHMENT_TYPES.includes(file.type)
  const isImage = file.type.startsWith('image/')
  if (!accepted && !isImage) return { error: ftf('fileWrongType', { name }) }
  if (file.type === 'application/pdf') {
    return file.size <= ATTACHMENT_MAX_BYTES ? { blob: file, name, resized: false, preview: null } : { error: ftf('fileTooBig', { name }) }
  }
  const image = await bitmap(file)
  const preview = image ? draw(image, THUMB_SIDE).toDataURL('image/jpeg', 0.7) : null
  if (accepted && file.size <= ATTACHMENT_MAX_BYTES) {
    image?.close()
    return { blob: file, name, resized: false, preview }
  }
  if (!image) return { error: accepted ? ftf('fileTooBig', { name }) : ftf('fileWrongType', { name }) }
  const canvas = draw(image, MAX_SIDE)
  image.close()
  for (const quality of [0.85, 0.7, 0.5]) {
    const blob = await toJpeg(canvas, quality)
    if (blob && blob.size <= ATTACHMENT_MAX_BYTES) return { blob, name: jpegName(name), resized: true, preview }
  }
  return { error: ftf('fileTooBig', { name }) }
}

/** The two buttons, the list of chosen files and a place for problems. */
export function filePicker(formId: string, legend: string): Safe {
  const id = `${formId}-files`
  return html`<fieldset class="qc-files" id="${id}">
    <legend>${legend}</legend>
    <p class="form-text qc-files-help" id="${id}-help">${ft('photosHelp')}</p>
    <div class="qc-file-buttons">
      <div class="qc-file">
        <input
          type="file"
          class="qc-file-input"
          id="${id}-camera"
          accept="image/*"
          capture="environment"
          aria-describedby="${id}-help"
        />
        <label for="${id}-camera" class="btn btn-outline-primary qc-file-button">${ft('takePhoto')}</label>
      </div>
      <div class="qc-file">
        <input
          type="file"
          class="qc-file-input"
          id="${id}-pick"
          accept="image/jpeg,image/png,image/webp,image/*,application/pdf"
          multiple
          aria-describedby="${id}-help"
        />
        <label for="${id}-pick" class="btn btn-outline-primary qc-file-button">${ft('chooseFile')}</label>
      </div>
    </div>
    <div class="qc-file-problems" aria-live="polite"></div>
    <ul class="qc-file-list list-unstyled" aria-label="${ft('filesChosen')}" hidden></ul>
  </fieldset>`
}

export interface Picker {
  files(): PickedFile[]
  clear(): void
  /** Files still being read (a submit waits for them). */
  settled(): Promise<void>
}

/** Wire the picker rendered by `filePicker` inside `root`. */
export function wirePicker(root: HTMLElement, formId: string): Picker {
  const id = `${formId}-files`
  const box = root.querySelector<HTMLElement>(`#${CSS.escape(id)}`)
  const list = box?.querySelector<HTMLUListElement>('.qc-file-list') ?? null
  const problems = box?.querySelector<HTMLElement>('.qc-file-problems') ?? null
  let chosen: PickedFile[] = []
  let pending: Promise<void> = Promise.resolve()

  const renderList = (): void => {
    if (!list) return
    list.hidden = chosen.length === 0
    setHtml(
      list,
      html`${chosen.map(
        (f, i) => html`<li class="qc-file-item" data-index="${i}">
          ${f.preview ? html`<img class="qc-file-thumb" src="${f.preview}" alt="" />` : ''}
          <span class="qc-file-name">${f.name}</span>
          <span class="qc-file-size">${fileSize(f.blob.size)}${f.resized ? `, ${ft('fileResized')}` : ''}</span>
          <button type="button" class="btn btn-outline-primary btn-xs qc-file-remove">
            ${ft('removeFile')}<span class="visually-hidden">: ${f.name}</span>
          </button>
        </li>`,
      )}`,
    )
  }

  const add = async (input: HTMLInputElement): Promise<void> => {
    const files = Array.from(input.files ?? [])
    input.value = '' // the same photo can be chosen again after removing it
    const errors: string[] = []
    for (const file of files) {
      const result = await prepare(file)
      if ('error' in result) errors.push(result.error)
      else chosen.push(result)
    }
    if (problems) problems.textContent = errors.join(' ')
    renderList()
  }

  box?.addEventListener('change', (event) => {
    const input = event.target as HTMLInputElement | null
    if (input?.type === 'file') pending = pending.then(() => add(input))
  })
  list?.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest('.qc-file-remove')
    const item = button?.closest<HTMLElement>('.qc-file-item')
    if (!item) return
    chosen.splice(Number(item.dataset.index), 1)
    renderList()
    // the button is gone: keep the keyboard in the picker
    box?.querySelector<HTMLElement>('.qc-file-remove, .qc-file-input')?.focus()
  })

  return {
    files: () => [...chosen],
    clear: () => {
      chosen = []
      if (problems) problems.textContent = ''
      renderList()
    },
    settled: () => pending,
  }
}
