/// <reference types="vite/client" />

declare module 'virtual:qc-icons' {
  const paths: Record<
    | 'it-arrow-right'
    | 'it-check-circle'
    | 'it-clock'
    | 'it-error'
    | 'it-info-circle'
    | 'it-logout'
    | 'it-map-marker'
    | 'it-pa'
    | 'it-user',
    string
  >
  export default paths
}
