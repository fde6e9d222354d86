/** Reading systemd-style files (units, networkd's .netdev/.network, NetworkManager keyfiles): `[Section]` and `Key=Value` lines. */

export interface IniEntry {
  section: string
  key: string
  value: string
}

export function iniEntries(text: string): IniEntry[] {
  const entries: IniEntry[] = []
  let section = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) section = header[1] ?? ''
    else if (line.includes('=')) entries.push({section, key: line.slice(0, line.indexOf('=')).trim(), value: line.slice(line.indexOf('=') + 1).trim()})
  }
  return entries
}

/** The space-separated words of every `key=` in `section`; an empty assignment resets the list, as systemd reads it. */
export function iniWords(entries: IniEntry[], section: string, key: string): string[] {
  let words: string[] = []
  for (const entry of entries) if (entry.section === section && entry.key === key) words = entry.value === '' ? [] : [...words, ...entry.value.split(/\s+/)]
  return words
}

const globPattern = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`)

/**
 * Whether networkd's `[Match] Name=` words pick `name`: shell globs, any of them; a list that starts with `!` picks
 * every name none of its words does (systemd.network(5)). No words match nothing here: a file matched by other keys
 * (MACAddress=, Type=) cannot be judged from its names.
 */
export function networkdNameMatches(words: string[], name: string): boolean {
  if (words.length === 0) return false
  const inverted = words[0]?.startsWith('!') ?? false
  const hit = words.some((word) => globPattern(word.replace(/^!/, '')).test(name))
  return inverted ? !hit : hit
}
