import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {recreateNetworkCommands} from '../remedy/docker-commands.js'
import {ipv4Pools, type HostModel, type L2Network} from '../model/host-model.js'
import {bareAddress, cidrContains, intervalText, overlapOf} from '../model/ip.js'
import type {DhcpOffer, ProbeRecord} from '../probe/types.js'
import {noParent, notApplicable} from './support/common.js'
import {saferLayout} from './support/addressing.js'
import {answerLines, membershipOf, questionsOf, rangeVerdict, serverAnswers, type Membership, type ServerAnswers} from './support/dhcp-membership.js'
import {answersFor, notAsked, unaskedText} from './support/probe-evidence.js'

const declaredIn = (address: string, ranges: string[]) => ranges.find((range) => overlapOf(range, address))

/** Each container address outside Docker's range (a static `--ip`), with whether a DHCP pool holds it and how we know. */
function staticAddresses(model: HostModel, l2: L2Network, servers: ServerAnswers[], records: ProbeRecord[], declared: string[]) {
  const questions = questionsOf(records).filter((question) => question.network === l2.network.name && question.role === 'static')
  const pools = ipv4Pools(l2)
  return model.endpointsOf(l2.network).flatMap(({container, endpoint}) => {
    const address = endpoint.ipv4 ? bareAddress(endpoint.ipv4) : endpoint.requestedIpv4
    if (!address || !pools.some((pool) => cidrContains(pool.subnet, address) && !cidrContains(pool.allocatable, address))) return []
    const pool = declaredIn(address, declared)
    if (pool) return [{container: container.name, address, membership: 'in', how: `inside the declared DHCP pool ${pool}`}]
    const asked = questions.some((question) => question.address === address)
    const answers = servers.map((server) => ({server: server.server, membership: membershipOf(server, questions, address)}))
    const holder = answers.find((answer) => answer.membership === 'in')
    if (holder) return [{container: container.name, address, membership: 'in', how: asked ? `offered back by the DHCP server ${holder.server} when asked for` : `in the pool of the DHCP server ${holder.server}, which offered the free addresses on both sides of it`}]
    const membership: Membership = answers.length > 0 && answers.every((answer) => answer.membership === 'out') ? 'out' : 'unanswered'
    return [{container: container.name, address, membership, how: ''}]
  })
}

function fixFor(model: HostModel, l2: L2Network, avoid: string[]) {
  const pool = ipv4Pools(l2)[0]
  const layout = pool ? saferLayout(model, l2, pool, avoid) : undefined
  return layout
    ? {summary: `Recreate the network with --ip-range=${layout.ipRange}, outside the DHCP pool (or shrink the router's pool).`, commands: recreateNetworkCommands(model, l2, layout)}
    : {summary: "Shrink the router's DHCP pool, or recreate the network with an --ip-range outside it.", commands: []}
}

/** "192.168.1.223 when asked for it, 192.168.1.210": the exact answers first, each address once. */
function offeredText(offers: DhcpOffer[]): string {
  const exact = new Set(offers.filter((offer) => offer.requested === offer.offered).map((offer) => offer.offered))
  const others = new Set(offers.map((offer) => offer.offered).filter((address) => !exact.has(address)))
  return [...[...exact].map((address) => `${address} when asked for it`), ...others].join(', ')
}

const TO_PROVE = 'declare the pool with --dhcp-range FIRST-LAST, or give a slow server a longer --dhcp-timeout'

export const dhcpOverlap: Rule = {
  meta: {id: 'dhcp-overlap', code: 'MVD009', title: "Docker's range is outside the LAN's DHCP pool", severity: 'fail', requires: ['links', 'addresses', 'neighbours', 'networks', 'containers'], probes: ['dhcp-discover']},
  evaluate: ({model, settings, probes}) =>
    model.l2Networks().map((l2): Finding => {
      const subject = {network: l2.network.name, interface: l2.parent}
      const pools = ipv4Pools(l2)
      const answers = answersFor(probes, ['dhcp-discover'], {parent: l2.parent})
      const records = answers.judged
      const questions = questionsOf(records).filter((question) => question.network === l2.network.name)
      const servers = serverAnswers(records)
      const declared = settings.dhcpRanges
      const verdicts = servers.flatMap((server) => pools.map((pool) => ({server, pool, ...rangeVerdict(server, questions, pool.allocatable)})))
      const statics = staticAddresses(model, l2, servers, records, declared)
      const declaredOverlaps = pools.flatMap((pool) => declared.flatMap((dhcp) => {
        const shared = overlapOf(pool.allocatable, dhcp)
        return shared ? [`Docker may hand out ${intervalText(shared)}, which the LAN's DHCP server also leases (pool ${dhcp})`] : []
      }))
      const offered = servers.flatMap((server) => server.offers)
      const evidence = {
        facts: {
          allocatable: pools.map((pool) => pool.allocatable),
          ...(declared.length > 0 ? {dhcpPools: declared} : {}),
          ...(records.length > 0 ? {answers: servers.flatMap((server) => answerLines(server, questions)), offers: offered} : {}),
          ...(statics.length > 0 ? {staticAddresses: statics.map(({container, address, membership}) => `${container} ${address}: ${membership === 'in' ? 'in the DHCP pool' : membership === 'out' ? 'outside the DHCP pool' : 'not proven'}`)} : {}),
        },
        commands: [sh`docker network inspect ${l2.network.name} --format '{{json .IPAM.Config}}'`, ...new Set(records.map((record) => record.command))],
      }

      const problems = [
        ...verdicts.filter(({verdict}) => verdict === 'overlap').map(({server, pool, inside}) => `Proven: the DHCP server ${server.server} offered ${offeredText(inside)}, inside Docker's range ${pool.allocatable}`),
        ...declaredOverlaps,
        ...statics.filter(({membership}) => membership === 'in').map(({container, address, how}) => `container ${container}'s static address ${address} is ${how}`),
      ]
      if (problems.length > 0) {
        const pinned = statics.filter(({membership}) => membership === 'in')
        const rangeClear = problems.length === pinned.length
        const fix = rangeClear
          ? {summary: `Give ${pinned.map(({container}) => container).join(', ')} a static address outside the DHCP pool (docker network disconnect, then docker network connect --ip), or shrink the pool.`, commands: []}
          : fixFor(model, l2, [...declared, ...offered.map((offer) => offer.offered), ...pinned.map(({address}) => address)])
        return {outcome: 'fail', subject, message: `${problems.join('; ')}: a container and a LAN device will end up with the same address.`, evidence, fix}
      }
      const range = pools.map((pool) => pool.allocatable).join(', ')
      if (declared.length > 0) return {outcome: 'pass', subject, message: `Docker's range ${range}${statics.length > 0 ? ' and its static addresses stay' : ' stays'} clear of the declared DHCP pool ${declared.join(', ')}.`, evidence}
      if (records.length === 0) {
        if (!l2.parent) return noParent(subject)
        const unasked = unaskedText(answers)
        if (unasked) return notAsked(subject, `whether the LAN's DHCP server leases addresses in Docker's range (declare its pool with --dhcp-range FIRST-LAST to judge without the probe)`, unasked)
        return notApplicable(subject, `The LAN's DHCP pool is not known: no DHCP probe was sent${probes ? '' : ' (--no-probe, or a replayed snapshot)'}; declare it with --dhcp-range FIRST-LAST.`)
      }
      if (servers.length === 0) return {...notApplicable(subject, `Not proven: no DHCP server answered the probe; if one serves this LAN, ${TO_PROVE}.`), evidence}
      const open = verdicts.filter(({verdict}) => verdict === 'unproven')
      const staticsOpen = statics.filter(({membership}) => membership === 'unanswered')
      if (open.length === 0 && staticsOpen.length === 0) {
        const how = verdicts.map(({server, pool}) => `${server.server} offered nothing inside ${pool.allocatable}, nor the free addresses on either side of it when asked for them`)
        return {outcome: 'pass', subject, message: `Proven: ${how.join('; ')}; a pool is contiguous, so none reaches into the range${statics.length > 0 ? ', and the static addresses are outside it too' : ''}.`, evidence}
      }
      const left = [
        ...open.map(({server, pool, open: questionsLeft}) => questionsLeft.length === 0 ? `${server.server} offered only addresses outside ${pool.allocatable}, and was not asked about the addresses beside it` : `${server.server} did not settle ${questionsLeft.map((question) => `${question.address} (${question.why}: ${server.of(question.address) === 'in' ? 'offered back, so the pool comes up to the range, and whether it reaches over the addresses in use there cannot be asked: a server does not offer an address in use' : 'no answer in time'})`).join(', ')}`),
        ...staticsOpen.map(({container, address}) => `whether container ${container}'s static address ${address} is in the pool`),
      ]
      return {outcome: 'skip', skipKind: 'missing-data', subject, message: `Not proven: ${left.join('; ')}. To prove it, ${TO_PROVE}.`, evidence}
    }),
}
