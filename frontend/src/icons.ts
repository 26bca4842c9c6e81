import paths from 'virtual:qc-icons'
import { Safe, trusted } from './html'

export type IconName = keyof typeof paths

/** An inline Bootstrap Italia icon; decorative (aria-hidden) unless a label is given. */
export function icon(name: IconName, extraClass = ''): Safe {
  const cls = `icon ${extraClass}`.trim()
  return trusted(
    `<svg class="${cls}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${paths[name]}</svg>`,
  )
}
