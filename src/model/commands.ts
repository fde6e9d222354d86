import type {L2Network} from './host-model.js'

/** Quotes one shell word only when it needs it, so printed fixes stay copy-pasteable. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ')
}

/** The `docker network create` line that recreates `l2` as it is, with `changes` applied. */
export function networkCreateCommand(l2: L2Network, changes: {parent?: string} = {}): string {
  const words = ['docker', 'network', 'create', '-d', l2.driver]
  const parent = changes.parent ?? l2.parent
  if (parent) words.push('-o', `parent=${parent}`)
  if (l2.mode !== (l2.driver === 'ipvlan' ? 'l2' : 'bridge')) words.push('-o', `${l2.driver}_mode=${l2.mode}`)
  for (const config of l2.ipam) {
    words.push(`--subnet=${config.subnet}`)
    if (config.gateway) words.push(`--gateway=${config.gateway}`)
    if (config.ipRange) words.push(`--ip-range=${config.ipRange}`)
    for (const [name, address] of Object.entries(config.auxAddresses)) words.push(`--aux-address=${name}=${address}`)
  }
  words.push(l2.network.name)
  return shellLine(words)
}
