import type {Finding, Rule, RuleSettings} from '../engine/types.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'
import type {ProbeResults} from '../probe/types.js'
import {shimFix} from '../remedy/shim.js'
import {noParent, notApplicable} from './common.js'
import {describe, probeFacts, recordsFor} from './probe-evidence.js'

/** Packets outrank the routing table: a host that reached every container is not isolated, one that reached none is. */
function withProbes(finding: Finding, l2: L2Network, probes: ProbeResults | undefined): Finding {
  const records = recordsFor(probes, 'host-to-container', {network: l2.network.name})
  if (records.length === 0 || finding.outcome === 'skip') return finding
  const failed = records.filter((record) => record.outcome !== 'reply')
  const evidence = {facts: {...finding.evidence?.facts, ...probeFacts(records)}, commands: finding.evidence?.commands ?? []}
  if (failed.length === 0) {
    return {outcome: 'pass', subject: finding.subject, message: `Proven: the host reached ${records.map((record) => record.container).join(', ')} (${records.map(describe).join('; ')}).`, evidence}
  }
  const proof = `Confirmed by probes: ${failed.map(describe).join('; ')}.`
  if (finding.outcome === 'pass') {
    return {outcome: 'fail', subject: finding.subject, message: `The routes point at a path to the containers, but it does not work: ${proof}`, evidence, symptoms: ['unreachable']}
  }
  return {...finding, message: `${finding.message} ${proof}`, evidence, symptoms: [...(finding.symptoms ?? []), 'unreachable']}
}

function judge(model: HostModel, l2: L2Network, settings: RuleSettings): Finding | undefined {
  const subject = {network: l2.network.name, interface: l2.parent}
  if (l2.driver !== 'macvlan') return undefined
  if (!l2.parent) return noParent(subject)
  if (!model.link(l2.parent)) return notApplicable(subject, `Parent ${l2.parent} does not exist: see parent-missing.`)
  const addresses = model.endpointsOf(l2.network).flatMap(({container, endpoint}) => (endpoint.ipv4 ? [{container: container.name, ip: bareAddress(endpoint.ipv4)}] : []))
  if (addresses.length === 0) return notApplicable(subject, 'No container on this network has an address yet.')
  const shims = new Set(model.hostMacvlansOn(l2.parent).map((link) => link.name))
  const paths = addresses.map(({container, ip}) => ({container, ip, route: model.routeTo(ip)}))
  const isolated = paths.filter(({route}) => route?.dev === l2.parent)
  const facts = {parent: l2.parent, shims: [...shims], paths: paths.map(({container, ip, route}) => ({container, ip, via: route?.dev ?? 'no route'}))}
  const commands = [`ip route get ${isolated[0]?.ip ?? paths[0]?.ip}`, `ip -d link show type macvlan`]
  if (isolated.length === 0) {
    const viaShim = paths.every(({route}) => route?.dev && shims.has(route.dev))
    return {
      outcome: 'pass',
      subject,
      message: viaShim ? `The host reaches its containers through the shim ${paths[0]?.route?.dev}.` : 'The host reaches its containers through another interface, not through their parent.',
      evidence: {facts, commands},
    }
  }
  const unreachable = `The host cannot reach ${isolated.map(({container}) => container).join(', ')} (and they cannot reach the host): traffic to them leaves through their own parent ${l2.parent}, and macvlan does not pass frames between a parent and its children.`
  if (shims.size > 0) {
    return {outcome: 'warn', subject, message: `${unreachable} The shim ${[...shims].join(', ')} does not carry that traffic.`, evidence: {facts, commands}, symptoms: ['shim-bypassed']}
  }
  return {
    outcome: 'warn',
    subject,
    message: `${unreachable} Add a macvlan shim on the host.`,
    evidence: {facts, commands},
    symptoms: ['no-shim'],
    fix: shimFix(model, l2, l2.parent, settings.dhcpRanges),
  }
}

export const hostIsolation: Rule = {
  meta: {
    id: 'host-isolation',
    code: 'MVD001',
    title: 'The host can reach its macvlan containers',
    severity: 'warn',
    requires: ['links', 'routes', 'networks', 'containers'],
    probes: ['host-to-container'],
    // A missing shim is a problem of its own: nothing upstream explains it.
    causedBy: [
      {id: 'parent-down', on: 'network', explains: ['unreachable']},
      {id: 'shim-incomplete', on: 'network', explains: ['shim-bypassed', 'unreachable']},
      {id: 'macvlan-mode', on: 'network', explains: ['unreachable']},
    ],
  },
  evaluate: ({model, probes, settings}) =>
    model.l2Networks().flatMap((l2) => {
      const finding = judge(model, l2, settings)
      return finding ? [withProbes(finding, l2, probes)] : []
    }),
}
