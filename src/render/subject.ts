import type {Subject} from '../engine/types.js'

export interface SubjectStyle {
  /** How a name from the host is shown (Markdown wraps it in code). */
  name?: (word: string) => string
  /** Leave the network out (the table shows it in a column of its own). */
  network?: boolean
  /** The word before an interface's name. */
  interfaceLabel?: string
  /** What a subject with nothing to name reads as. */
  none?: string
}

/** A check's subject in words: "network lan, container web, interface eth1". */
export function subjectText(subject: Subject, {name = (word) => word, network = true, interfaceLabel = 'interface', none = 'host'}: SubjectStyle = {}): string {
  const {container, interface: iface, hosts} = subject
  const words = [network && subject.network && `network ${name(subject.network)}`, container && `container ${name(container)}`, iface && `${interfaceLabel} ${name(iface)}`, hosts && `${hosts.length === 1 ? 'host' : 'hosts'} ${hosts.map(name).join(', ')}`]
  return words.filter(Boolean).join(', ') || none
}
