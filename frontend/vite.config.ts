import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin, type Rollup } from 'vite'

type OutputChunk = Rollup.OutputChunk

const root = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const outDir = resolve(root, 'dist')

/** The Bootstrap Italia icons the app uses, taken from the package's sprite at build time. */
const ICONS = [
  'it-arrow-right',
  'it-clock',
  'it-error',
  'it-info-circle',
  'it-logout',
  'it-map-marker',
  'it-pa',
  'it-user',
  'it-check-circle',
  'it-close',
  'it-settings',
]

/**
 * Symbols Bootstrap Italia's sprite lacks, drawn for this app (24×24, no style attributes).
 * `qc-bell`: the notifications bell of the header.
 */
const OWN_ICONS: Record<string, string> = {
  'qc-bell':
    '<path d="M12 2a1.5 1.5 0 0 0-1.5 1.5v.7a6.5 6.5 0 0 0-5 6.3V16l-2 2v1h17v-1l-2-2v-5.5a6.5 6.5 0 0 0-5-6.3v-.7A1.5 1.5 0 0 0 12 2zM9.5 20a2.5 2.5 0 0 0 5 0z"/>',
}

/** `virtual:qc-icons`: `{ 'it-user': '<path …/>', … }` — only the symbols listed above. */
function icons(): Plugin {
  const id = 'virtual:qc-icons'
  const resolved = '\0' + id
  return {
    name: 'qc-icons',
    resolveId(source) {
      return source === id ? resolved : undefined
    },
    load(loadId) {
      if (loadId !== resolved) return undefined
      const spritePath = join(dirname(require.resolve('bootstrap-italia/package.json')), 'dist/svg/sprites.svg')
      const sprite = readFileSync(spritePath, 'utf8')
      const out: Record<string, string> = {}
      for (const name of ICONS) {
        const m = new RegExp(`<symbol id="${name}"[^>]*>([\\s\\S]*?)</symbol>`).exec(sprite)
        const body = m?.[1]
        if (body === undefined) throw new Error(`icon ${name} not found in bootstrap-italia sprites.svg`)
        if (/style=|<script/i.test(body)) throw new Error(`icon ${name} carries inline style/script`)
        out[name] = body
      }
      Object.assign(out, OWN_ICONS)
      return `export default ${JSON.stringify(out)}`
    },
  }
}

/** The web app's pages, one table shared with the server (qc_platform/webapp/__init__.py). */
const PAGES_TABLE = resolve(root, '../qc_platform/webapp/pages.json')

interface PageEntry {
  /** Flask syntax: `/scambi/<int:exchange_id>`, `/spazi/<slug>`. */
  path: string
  /** The module under src/, without `.ts`. */
  module: string
  /** The function the module exports for the page. */
  export: string
  /** In the main bundle (and the service worker's precache); otherwise a chunk of its own. */
  eager?: boolean
  /** The server sends the page with a server-rendered head; nothing changes here. */
  head?: string
}

/**
 * `virtual:qc-pages`: `[{ path, page }, …]` in the table's order. An eager page's module is
 * imported statically; any other page is a `lazyPage` whose module is a dynamic `import()`,
 * so Vite puts it in its own chunk, loaded on first visit.
 */
function pages(): Plugin {
  const id = 'virtual:qc-pages'
  const resolved = '\0' + id
  return {
    name: 'qc-pages',
    resolveId(source) {
      return source === id ? resolved : undefined
    },
    load(loadId) {
      if (loadId !== resolved) return undefined
      this.addWatchFile(PAGES_TABLE)
      const table = JSON.parse(readFileSync(PAGES_TABLE, 'utf8')) as { pages: PageEntry[] }
      const imports = ["import { lazyPage } from '/src/pages/common.ts'"]
      const entries: string[] = []
      table.pages.forEach((entry, i) => {
        const file = resolve(root, 'src', `${entry.module}.ts`)
        if (!/^[a-z]+\/[a-z]+$/.test(entry.module) || !existsSync(file)) {
          throw new Error(`pages.json: ${entry.path}: no module src/${entry.module}.ts`)
        }
        const exported = new RegExp(`^export (async )?(function|const) ${entry.export}\\b`, 'm')
        if (!/^[A-Za-z]+$/.test(entry.export) || !exported.test(readFileSync(file, 'utf8'))) {
          throw new Error(`pages.json: ${entry.path}: src/${entry.module}.ts exports no ${entry.export}`)
        }
        const from = JSON.stringify(`/src/${entry.module}.ts`)
        const path = JSON.stringify(entry.path)
        if (entry.eager) {
          imports.push(`import { ${entry.export} as page${i} } from ${from}`)
          entries.push(`{ path: ${path}, page: page${i} }`)
        } else {
          const pick = `(m) => m.${entry.export}`
          entries.push(`{ path: ${path}, page: lazyPage(() => import(${from}), ${pick}) }`)
        }
      })
      return `${imports.join('\n')}\nexport default [\n  ${entries.join(',\n  ')},\n]\n`
    },
  }
}

/**
 * After the build:
 *  - copy swagger-ui-dist's bundle and stylesheet to dist/swagger-ui/ (init.js comes from public/);
 *  - write the precache list and a content-derived cache version into dist/sw.js.
 */
function postBuild(): Plugin {
  const shell: string[] = []
  return {
    name: 'qc-post-build',
    apply: 'build',
    generateBundle(_options, bundle) {
      shell.length = 0
      // The shell's code is the entry chunk and what it imports statically. Chunks loaded
      // only on demand — socket.io-client for signed-in users, the feedback pages and the
      // modules those pages share — are not part of it: the worker caches them on first
      // use instead (cache first, /assets/), so a visitor's first load never fetches them.
      const chunks = new Map<string, OutputChunk>()
      for (const file of Object.values(bundle)) if (file.type === 'chunk') chunks.set(file.fileName, file)
      const eager = new Set<string>()
      const visit = (name: string): void => {
        const chunk = chunks.get(name)
        if (!chunk || eager.has(name)) return
        eager.add(name)
        for (const imported of chunk.imports) visit(imported)
      }
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName)
      for (const file of Object.values(bundle)) {
        if (file.fileName.endsWith('.html') || file.fileName.endsWith('.map')) continue
        if (file.type === 'chunk' && !eager.has(file.fileName)) continue
        shell.push('/' + file.fileName)
      }
    },
    closeBundle() {
      const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'))
      const target = join(outDir, 'swagger-ui')
      mkdirSync(target, { recursive: true })
      for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        copyFileSync(join(swaggerDir, name), join(target, name))
      }

      const precache = [
        '/',
        '/manifest.webmanifest',
        '/icons/icon.svg',
        '/icons/icon-192.png',
        ...shell.sort(),
      ]
      const hash = createHash('sha256')
      for (const url of precache) {
        const file = url === '/' ? 'index.html' : url.slice(1)
        hash.update(url).update(readFileSync(join(outDir, file)))
      }
      const version = hash.digest('hex').slice(0, 12)
      const swPath = join(outDir, 'sw.js')
      const sw = readFileSync(swPath, 'utf8')
      if (!sw.includes('self.__QC_PRECACHE__') || !sw.includes('self.__QC_VERSION__')) {
        throw new Error('public/sw.js lost its placeholders')
      }
      writeFileSync(
        swPath,
        sw
          .replace('self.__QC_PRECACHE__', JSON.stringify(precache))
          .replace('self.__QC_VERSION__', JSON.stringify(version)),
      )
    },
  }
}

export default defineConfig({
  plugins: [icons(), pages(), postBuild()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // fonts and icons stay separate files: the CSP has no data: for fonts
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Dart Sass (pure JS) takes most of the build; no need to say so on every build
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  css: {
    preprocessorOptions: {
      scss: {
        // Bootstrap Italia 2.x still uses @import and the global Sass built-ins
        quietDeps: true,
        silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'if-function'],
      },
    },
  },
  server: {
    // `npm run dev` against a backend running on :5055
    proxy: { '/api': 'http://127.0.0.1:5055' },
  },
})
