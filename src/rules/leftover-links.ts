import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {parentNames, type HostModel} from '../model/host-model.js'

/** Docker names a container's link `veth` and 7 hex digits, and makes a macvlan one in the host before moving it into the container. */
const CONTAINER_LINK = /^veth[0-9a-f]{7}$/
/** The dummy parent of a network without `-o parent=`: `dm-` (macvlan) or `di-` (ipvlan) and the network's short ID. */
const DUMMY = /^d[mi]-(?<id>[0-9a-f]{12})$/

/** The drivers that cannot share a lower link with `driver`: the kernel gives a link one receive handler. */
const OTHER_DRIVERS: Record<string, string[]> = {macvlan: ['ipvlan'], ipvlan: ['macvlan', 'macvtap']}

function onParent(model: HostModel, parent: string): Finding {
  const subject = {interface: parent}
  const links = model.data('links').filter((link) => link.parent === parent)
  const stranded = links.filter((link) => link.kind === 'macvlan' && CONTAINER_LINK.test(link.name))
  const networks = model.l2Networks().filter((l2) => l2.parent === parent)
  const held = networks.flatMap((l2) => links.filter((link) => link.kind && OTHER_DRIVERS[l2.driver]?.includes(link.kind)).map((link) => ({l2, link})))
  const problems = [
    ...held.map(({l2, link}) => `${link.name} puts an ${link.kind} port on ${parent}, so the kernel refuses the ${l2.driver} links of ${l2.network.name} ("device or resource busy"): its containers cannot start`),
    ...stranded.map((link) => `${link.name} is a macvlan Docker made for a container and never moved into it (a start that failed half-way): it still holds ${link.mac ?? 'a MAC'} on ${parent}, so a container given that MAC cannot start ("device or resource busy")`),
  ]
  const evidence = {facts: {parent, links: links.map((link) => ({name: link.name, kind: link.kind, mac: link.mac}))}, commands: [sh`ip -br link | grep ${`@${parent}`}`, 'ip -d link show type macvlan', 'ip -d link show type ipvlan']}
  if (problems.length === 0) return {outcome: 'pass', subject, message: `No leftover Docker link and no other driver holds ${parent}.`, evidence}
  return {
    outcome: held.length > 0 ? 'fail' : 'warn',
    subject,
    message: `On ${parent}: ${problems.join('; ')}.`,
    evidence,
    fix: {summary: `Delete the links that hold ${parent}${held.length > 0 ? ' (or move the other driver\'s links to another parent)' : ''}.`, commands: [...held.map(({link}) => link), ...stranded].map((link) => sh`ip link del ${link.name}`)},
  }
}

export const leftoverLinks: Rule = {
  meta: {id: 'leftover-links', code: 'MVD041', title: 'No leftover Docker link holds a parent', severity: 'fail', requires: ['links', 'networks']},
  evaluate: ({model}) => {
    const ids = model.data('networks').map((network) => network.id)
    const dummies = model.data('links').flatMap((link): Finding[] => {
      const id = link.kind === 'dummy' ? DUMMY.exec(link.name)?.groups?.id : undefined
      if (!id || ids.some((candidate) => candidate.startsWith(id))) return []
      return [
        {
          outcome: 'warn',
          subject: {interface: link.name},
          message: `${link.name} is the dummy link Docker makes for a ${link.name.startsWith('di-') ? 'ipvlan' : 'macvlan'} network without a parent, but no network ${id} exists any more: a leftover that can still make Docker refuse a network ("network ${link.name} is already using parent interface …").`,
          evidence: {facts: {link: link.name, networks: ids.map((candidate) => candidate.slice(0, 12))}, commands: [sh`ip -d link show dev ${link.name}`, 'docker network ls --no-trunc --filter driver=macvlan --filter driver=ipvlan']},
          fix: {summary: `Delete ${link.name}; if Docker still refuses a network on it, restart Docker.`, commands: [sh`ip link del ${link.name}`]},
        },
      ]
    })
    return [...parentNames(model.l2Networks()).filter((parent) => model.link(parent)).map((parent) => onParent(model, parent)), ...dummies]
  },
}
