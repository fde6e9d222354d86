/**
 * Names come from the host (Docker accepts any network name, the kernel almost any interface name), so a name can
 * carry a terminal escape: an OSC sequence retitles the window, OSC 52 writes the clipboard, a bidi override makes a
 * command read differently from what it runs. Everything a person reads passes through `printable` first.
 */

/** C0 controls, DEL, C1 controls, and the Unicode bidi controls and line separators. */
// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

function visible(character: string): string {
  const code = character.codePointAt(0) ?? 0
  if (character === '\n') return '\\n'
  if (character === '\t') return '\\t'
  if (character === '\r') return '\\r'
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One line of text with every control character shown as an escape (`\x1b`, `\n`, `\u202e`): inert on any terminal. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, visible)
}

/** `printable` for text that is several lines on purpose (a file's content): only the line breaks stay. */
function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n')
}

/**
 * A copy of a report (or any plain data) with `printable` applied to every string, keys included: what the
 * human-readable renderers work from, so no string of the host reaches a terminal raw, whichever field it sits in.
 */
export function printableData<T>(value: T, keepLineBreaksIn: ReadonlySet<string> = new Set()): T {
  const walk = (item: unknown, key?: string): unknown => {
    if (typeof item === 'string') return key !== undefined && keepLineBreaksIn.has(key) ? printableLines(item) : printable(item)
    if (Array.isArray(item)) return item.map((element) => walk(element, key))
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([name, element]) => [printable(name), walk(element, name)]))
    return item
  }
  return walk(value) as T
}
