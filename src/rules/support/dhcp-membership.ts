/**
 * What the DHCP probe's questions prove about a server's pool. A server offers the address a DISCOVER asks for (option
 * 50) when it is in its pool and free (RFC 2131 §4.3.1), and some other address otherwise; a server that pings first
 * never offers an address in use, which is why addresses in use are judged by the free addresses on both sides.
 */
import {cidrContains, ipv4Value} from '../../model/ip.js'
import type {DhcpOffer, DhcpQuestion, ProbeRecord} from '../../probe/types.js'

/** `in`: offered back; `out`: the server offered another address; `unanswered`: no offer for it from that server. */
export type Membership = 'in' | 'out' | 'unanswered'

export interface ServerAnswers {
  server: string
  offers: DhcpOffer[]
  of(address: string): Membership
}

/** Each server that answered the DHCP probe on `records`' parent, with its answers. */
export function serverAnswers(records: ProbeRecord[]): ServerAnswers[] {
  const offers = records.flatMap((record) => record.offers ?? [])
  return [...new Set(offers.map((offer) => offer.server))].map((server) => {
    const mine = offers.filter((offer) => offer.server === server)
    return {
      server,
      offers: mine,
      of: (address) => {
        const answers = mine.filter((offer) => offer.requested === address)
        return answers.length === 0 ? 'unanswered' : answers.some((offer) => offer.offered === address) ? 'in' : 'out'
      },
    }
  })
}

export const questionsOf = (records: ProbeRecord[]): DhcpQuestion[] => records.flatMap((record) => record.questions ?? [])

/** One line per answer: "asked for 192.168.77.193 (the lowest free address of …): offered 192.168.77.193". */
export function answerLines(answers: ServerAnswers, questions: DhcpQuestion[]): string[] {
  return questions.map((question) => {
    const offered = answers.offers.filter((offer) => offer.requested === question.address).map((offer) => offer.offered)
    return `${answers.server}: asked for ${question.address} (${question.why}): ${offered.length > 0 ? `offered ${offered.join(', ')}` : 'no answer'}`
  })
}

/**
 * Whether `address` (held by someone, so asked about by its free neighbours) is in the server's pool: in when both
 * neighbours are, out when neither is (unless the pool is that one address), undecided otherwise.
 */
function membershipBeside(answers: ServerAnswers, questions: DhcpQuestion[], address: string): Membership {
  const beside = questions.filter((question) => question.beside === address).map((question) => answers.of(question.address))
  if (beside.length === 0 || beside.includes('unanswered')) return 'unanswered'
  if (beside.every((answer) => answer === 'in')) return 'in'
  return beside.every((answer) => answer === 'out') ? 'out' : 'unanswered'
}

/** What the server said about `address`: asked for it, or for the free addresses on both sides of it when it is in use. */
export function membershipOf(answers: ServerAnswers, questions: DhcpQuestion[], address: string): Membership {
  return questions.some((question) => question.address === address) ? answers.of(address) : membershipBeside(answers, questions, address)
}

/**
 * The server's pool and Docker's range `range`: `overlap` when it offered an address inside the range (a pool that
 * lies wholly inside the range shows this way too). Otherwise a contiguous pool that reached into the range would hold
 * the free address just beyond the range on that side (the pool offered something outside the range, so it crosses an
 * end): `clear` when each such address was answered with another one, or was offered back while the free end of the
 * range right next to it was not; `unproven` otherwise, with the questions left open.
 */
export function rangeVerdict(answers: ServerAnswers, questions: DhcpQuestion[], range: string): {verdict: 'overlap' | 'clear' | 'unproven'; inside: DhcpOffer[]; open: DhcpQuestion[]} {
  const inside = answers.offers.filter((offer) => cidrContains(range, offer.offered))
  if (inside.length > 0) return {verdict: 'overlap', inside, open: []}
  const mine = questions.filter((question) => question.range === range)
  const closed = (side: DhcpQuestion) => {
    const answer = answers.of(side.address)
    if (answer !== 'in') return answer === 'out'
    const end = mine.find((question) => question.after === side.address)
    const gap = end ? (ipv4Value(end.address) ?? 0n) - (ipv4Value(side.address) ?? 0n) : 0n
    return end !== undefined && answers.of(end.address) === 'out' && (gap === 1n || gap === -1n)
  }
  const sides = mine.filter((question) => question.role === 'range-low' || question.role === 'range-high')
  const open = sides.filter((question) => !closed(question))
  return {verdict: sides.length > 0 && open.length === 0 ? 'clear' : 'unproven', inside, open}
}

/**
 * Whether the DHCP probe on `parent` proved `address` inside a server's pool (`in`: some server offered it back),
 * outside every pool (`out`: every server that answered was asked for it, or for the free addresses on both sides of it,
 * and offered others), or neither (`unanswered`: not asked, not answered, or no server answered).
 */
export function poolMembership(records: ProbeRecord[], parent: string, address: string): Membership {
  const mine = records.filter((record) => record.purpose === 'dhcp-discover' && record.parent === parent)
  const questions = questionsOf(mine)
  const answers = serverAnswers(mine).map((server) => membershipOf(server, questions, address))
  if (answers.includes('in')) return 'in'
  return answers.length > 0 && answers.every((answer) => answer === 'out') ? 'out' : 'unanswered'
}
