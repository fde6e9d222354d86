/** What several fleet checks say the same way: the facts that place a finding on its LAN, and the commands that show them. */
import {ADDRESSES_FACT} from '../../engine/causal.js'
import type {Evidence} from '../../engine/types.js'
import {sh} from '../../exec/quote.js'
import {printable} from '../../render/printable.js'
import {LAN_FACT} from '../evaluate.js'
import {holdingsOf, type Holding, type SharedLan} from '../model.js'

/** Evidence of a finding about one shared LAN: the LAN, why the two networks are taken to share it, and `facts`. */
export function lanEvidence(lan: SharedLan, facts: Record<string, unknown>, addresses: string[] = []): Evidence {
  const {a, b} = lan
  return {
    facts: {[LAN_FACT]: a.subnet, sameLan: lan.evidence, ...facts, ...(addresses.length > 0 ? {[ADDRESSES_FACT]: addresses} : {})},
    commands: [...[a, b].map((member) => onHost(sh`docker network inspect ${member.l2.network.name}`, member.host.name)), ...[a, b].flatMap((member) => (member.gateway ? [onHost(sh`ip neigh show ${member.gateway} dev ${member.parent}`, member.host.name)] : []))],
  }
}

/** What each of the two hosts holds that `keep` selects, every pair of them with the same `key`, and each host's list in words for the evidence. */
export function heldTwice(lan: SharedLan, keep: (holding: Holding) => boolean, key: (holding: Holding) => string | undefined) {
  const mine = holdingsOf(lan.a).filter(keep)
  const theirs = holdingsOf(lan.b).filter(keep)
  const twice = mine.flatMap((holding) => theirs.filter((other) => key(other) === key(holding)).map((other) => [holding, other] as const))
  const listed = Object.fromEntries([lan.a, lan.b].map((member, index) => [member.host.name, [mine, theirs][index]?.map((holding) => `${holding.name} ${key(holding)}`)]))
  return {mine, theirs, twice, listed}
}

/** "vm's network lan (192.168.77.192/27)" */
export const rangeText = (member: SharedLan['a']) => `${member.host.name}'s network ${member.l2.network.name} (${member.allocatable}${member.allocatable === member.subnet ? ', the whole subnet: no --ip-range' : ''})`

/** A command to run on one host of the fleet: the host named in a comment no name can break out of (no line break survives). */
export const onHost = (command: string, host: string) => `${command}    # on ${printable(host)}`
