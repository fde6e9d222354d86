/**
 * The Markdown report's topology diagrams, parsed by mermaid's own parser in headless Chromium (mermaid's Node
 * packages need Node 22; its browser bundle does not). Chromium comes from Debian's packages (scripts/install-test-deps.sh).
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {render} from '../../src/render/index.js'
import {generatedReport} from '../helpers/generated-reports.js'
import {GOLDEN_FIXTURES, goldenPath} from '../helpers/golden.js'

const MERMAID = fileURLToPath(new URL('../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url))

function diagramsOf(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
}

/** Loads every diagram in one page and returns, per diagram, "ok" or mermaid's error message. */
async function parseInChromium(diagrams: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mvd-mermaid-'))
  try {
    const page = join(dir, 'page.html')
    writeFileSync(
      page,
      // Inlined: Chromium does not load a script from another file:// directory.
      `<!doctype html><html><body><script>${readFileSync(MERMAID, 'utf8').replaceAll('</script', '<\\/script')}</script><script>
        mermaid.initialize({startOnLoad: false});
        (async () => {
          const results = [];
          for (const diagram of ${JSON.stringify(diagrams)}) {
            try { await mermaid.parse(diagram); results.push('ok') } catch (error) { results.push(String(error.message || error)) }
          }
          document.body.setAttribute('data-results', JSON.stringify(results));
        })();
      </script></body></html>`,
    )
    // Chromium sometimes exits before the page's script ran (under load, or beside another Chromium): that says
    // nothing about the diagrams, so it gets one more try; the parse results themselves are never retried.
    for (let attempt = 1; ; attempt++) {
      const results = await renderedResults(page, join(dir, `profile-${attempt}`))
      if (results) return JSON.parse(results.replaceAll('&quot;', '"')) as string[]
      if (attempt === 2) throw new Error('the page reported no results')
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** The page's results attribute as Chromium dumped it, or undefined when Chromium exited before the script set it. */
async function renderedResults(page: string, profile: string): Promise<string | undefined> {
  const {stdout} = await execa('chromium', [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    '--virtual-time-budget=60000',
    '--dump-dom',
    `file://${page}`,
  ], {timeout: 60_000})
  return /data-results="([^"]*)"/.exec(stdout)?.[1]
}

describe('Mermaid topology diagrams', () => {
  it('parse with mermaid for every golden report, and a broken diagram does not', async () => {
    const diagrams = GOLDEN_FIXTURES.flatMap((name) => diagramsOf(readFileSync(goldenPath(name, 'markdown'), 'utf8')))
    expect(diagrams).toHaveLength(GOLDEN_FIXTURES.length)
    const results = await parseInChromium([...diagrams, 'flowchart LR\n  a[["unclosed'])
    expect(results.slice(0, -1)).toEqual(diagrams.map(() => 'ok'))
    expect(results.at(-1)).not.toBe('ok')
  }, 90_000)

  it('parse with mermaid for generated reports with hostile names and many containers', async () => {
    const diagrams = Array.from({length: 40}, (_, index) => diagramsOf(render(generatedReport(index + 1), 'markdown', {color: false, verbose: false}))).flat()
    expect(diagrams.length).toBeGreaterThan(20)
    const results = await parseInChromium(diagrams)
    expect(results.flatMap((result, index) => (result === 'ok' ? [] : [`${result}\n${diagrams[index]}`]))).toEqual([])
  }, 90_000)
})
