/** Quotes one shell word only when it needs it, so printed fixes stay copy-pasteable. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ')
}
