/// <reference types="vite/client" />

declare module 'virtual:qc-icons' {
  const paths: Record<
    | 'it-arrow-right'
    | 'it-check-circle'
    | 'it-close'
    | 'it-clock'
    | 'it-error'
    | 'it-info-circle'
    | 'it-logout'
    | 'it-map-marker'
    | 'it-pa'
    | 'it-settings'
    | 'it-user'
    | 'qc-bell',
    string
  >
  export default paths
}

declare module 'virtual:qc-pages' {
  import type { Page } from './router'
  /** The pages of qc_platform/webapp/pages.json, in its order (vite.config.ts, `pages`). */
  const pages: { path: string; page: Page }[]
  export default pages
}
