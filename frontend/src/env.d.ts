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
