import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import type {Link} from '../snapshot/types.js'
import {onEachParent} from './support/common.js'

/** What each bonding mode does to frames of MACs other than the bond's own (kernel Documentation/networking/bonding.rst). */
const MODES: Record<string, {outcome: Finding['outcome']; effect: string}> = {
  'balance-alb': {outcome: 'fail', effect: "it rewrites the source MAC of outgoing ARP replies to one of its ports' MACs, so the LAN learns the wrong MAC for the containers on NETWORK and most of their traffic is lost"},
  'balance-tlb': {outcome: 'warn', effect: "a frame it sends through a port other than the active one gets that port's MAC as its source instead of the container's, so the switch cannot learn where the containers on NETWORK are and floods or drops their replies"},
  'active-backup': {outcome: 'pass', effect: "the containers' MACs move with the active port on failover"},
  '802.3ad': {outcome: 'pass', effect: "the switch's port-channel must accept every container MAC (port security counts them all)"},
  'balance-rr': {outcome: 'pass', effect: 'the switch must run these ports as one static port-channel, or it sees every container MAC flap between ports'},
  'balance-xor': {outcome: 'pass', effect: 'the switch must run these ports as one static port-channel, or it sees every container MAC flap between ports'},
  broadcast: {outcome: 'pass', effect: 'every frame goes out of every port: the switch must run them as one static port-channel'},
}

function judge(model: HostModel, l2: L2Network, parent: Link, bond: Link): Finding {
  const subject = {network: l2.network.name, interface: parent.name}
  const which = bond === parent ? `Parent ${bond.name} is a bond` : `Parent ${parent.name} sits on ${bond.name}, a bond`
  const evidence = {facts: {parent: parent.name, bond: bond.name, mode: bond.mode}, commands: [sh`cat /sys/class/net/${bond.name}/bonding/mode`, sh`ip -d link show dev ${bond.name}`]}
  const known = bond.mode ? MODES[bond.mode] : undefined
  if (!known) return {outcome: 'skip', skipKind: 'missing-data', subject, message: `Not checked: ${which} whose mode ${bond.mode ? `(${bond.mode}) is not one this rule knows` : 'was not collected'}.`, evidence}
  const message = `${which} in ${bond.mode} mode: ${known.effect.replace('NETWORK', l2.network.name)}.`
  if (known.outcome === 'pass') return {outcome: 'pass', subject, message, evidence}
  return {
    outcome: known.outcome,
    subject,
    message,
    evidence,
    fix: {
      summary: `Run ${bond.name} in active-backup or 802.3ad mode (or use ipvlan, which puts no extra MAC on the bond); restart the containers after the bond is re-created, since the kernel deletes the macvlans of a bond that goes away.`,
      commands: [sh`ip link set ${bond.name} type bond mode active-backup` + '   # with the bond down and no ports; then in its configuration'],
    },
  }
}

export const bondParent: Rule = {
  meta: {id: 'bond-parent', code: 'MVD040', title: 'Bond parents run a mode that keeps the containers\' MACs', severity: 'fail', requires: ['links', 'networks']},
  evaluate: ({model}) => {
    const bondOf = (link: Link | undefined) => (link?.kind === 'bond' ? link : link?.parent ? model.link(link.parent)?.kind === 'bond' ? model.link(link.parent) : undefined : undefined)
    const onBonds = model.l2Networks().filter((l2) => l2.parent && bondOf(model.link(l2.parent)))
    return onEachParent(model, (l2, parent) => judge(model, l2, parent, bondOf(parent) ?? parent), onBonds)
  },
}
