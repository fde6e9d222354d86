/**
 * Quotes one shell word only when it needs it, so printed fixes stay copy-pasteable. The only shell quoting in the
 * project: every name from the host reaches a printed or written command through it.
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ')
}

/** A command line written as a template whose every interpolated value stays one shell word: sh`ip link set ${name} up`. */
export function sh(literals: TemplateStringsArray, ...words: Array<string | number>): string {
  return literals.reduce((line, literal, index) => `${line}${shellWord(String(words[index - 1]))}${literal}`)
}
