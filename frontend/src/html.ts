/**
 * A tiny escaping template tag. Every interpolated value is HTML-escaped unless it is
 * a `Safe` produced by `html` itself or by `trusted()` (used only for markup the app
 * owns, such as the icon paths taken from Bootstrap Italia at build time).
 * Templates never contain inline scripts, event handler attributes or style="" (CSP).
 */

export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Safe) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '')
  }
  return new Safe(out)
}

export function trusted(markup: string): Safe {
  return new Safe(markup)
}

export function setHtml(el: Element, content: Safe): void {
  el.innerHTML = content.value
}
