import type {Finding, Rule, RuleSettings} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import type {HostModel, L2Network} from '../model/host-model.js'
import {bareAddress} from '../model/ip.js'
import type {ProbeRecord, ProbeResults} from '../probe/types.js'
import {shimFix} from '../remedy/shim.js'
import {downReason, noParent, notApplicable} from './support/common.js'
import {answeredByAnother, answersFor, describeProbe, heldByAnother, probeFacts, unaskedText} from './support/probe-evidence.js'

/** Packets outrank the routing table: a host that reached every container is not isolated, one that reached none is. */
function withProbes(finding: Finding, model: HostModel, l2: L2Network, probes: ProbeResults | undefined): Finding {
  if (finding.outcome === 'skip') return finding
  const answers = answersFor(probes, ['host-to-container'], {network: l2.network.name})
  const unasked = unaskedText(answers)
  const held = heldByAnother(probes, l2.network.name)
  const contested = answers.judged.filter((record) => record.outcome === 'reply' && !answeredByAnother(model, l2, record) && held.has(record.target))
  const records = answers.judged.filter((record) => !contested.includes(record))
  const unproven = contested.length > 0 ? ` The replies from ${contested.map((record) => `${record.container} (${record.target})`).join(', ')} prove nothing: another device answers for ${contested.length > 1 ? 'those addresses' : 'that address'} too (see ip-conflict).` : ''
  const notProbed = `${unasked ? ` Some containers were ${unasked}.` : ''}${unproven}`
  const evidence = {facts: {...finding.evidence?.facts, ...probeFacts([...answers.judged, ...answers.errored])}, commands: finding.evidence?.commands ?? []}
  if (records.length === 0) return unasked || unproven ? {...finding, message: `${finding.message}${unasked ? ` Reachability ${unasked}.` : ''}${unproven}`, evidence} : finding
  const failed = records.filter((record) => record.outcome === 'no-reply' || answeredByAnother(model, l2, record))
  if (failed.length === 0) {
    // What the routes say stands for the containers no probe answered for.
    if ((unasked || unproven) && finding.outcome !== 'pass') return {...finding, message: `${finding.message} The host reached only ${records.map(describeProbe).join('; ')}.${notProbed}`, evidence}
    return {outcome: 'pass', subject: finding.subject, message: `Proven: the host reached ${records.map((record) => record.container).join(', ')} (${records.map(describeProbe).join('; ')}).${notProbed}`, evidence}
  }
  const told = (record: ProbeRecord) =>
    answeredByAnother(model, l2, record) ? `${describeProbe(record)}, but through ${l2.parent} itself, which the container's own link never answers: another device holds ${record.target} (see ip-conflict)` : describeProbe(record)
  const proof = `Confirmed by probes: ${failed.map(told).join('; ')}.`
  if (finding.outcome === 'pass') {
    return {outcome: 'fail', subject: finding.subject, message: `The routes point at a path to the containers, but it does not work: ${proof}${notProbed}`, evidence, symptoms: ['unreachable']}
  }
  return {...finding, message: `${finding.message} ${proof}${notProbed}`, evidence, symptoms: [...(finding.symptoms ?? []), 'unreachable']}
}

function judge(model: HostModel, l2: L2Network, settings: RuleSettings): Finding | undefined {
  const subject = {network: l2.network.name, interface: l2.parent}
  if (l2.driver !== 'macvlan') return undefined
  if (!l2.parent) return noParent(subject)
  const parent = model.link(l2.parent)
  if (!parent) return notApplicable(subject, `Parent ${l2.parent} does not exist: see parent-missing.`)
  const addresses = model.endpointsOf(l2.network).flatMap(({container, endpoint}) => (endpoint.ipv4 ? [{container: container.name, ip: bareAddress(endpoint.ipv4)}] : []))
  if (addresses.length === 0) return notApplicable(subject, 'No container on this network has an address yet.')
  const shims = new Set(model.hostMacvlansOn(l2.parent).map((link) => link.name))
  const paths = addresses.map(({container, ip}) => ({container, ip, route: model.routeTo(ip)}))
  const isolated = paths.filter(({route}) => route?.dev === l2.parent)
  const unrouted = paths.filter(({route}) => !route)
  const facts = {parent: l2.parent, shims: [...shims], paths: paths.map(({container, ip, route}) => ({container, ip, via: route?.dev ?? 'no route'}))}
  const commands = [sh`ip route get ${isolated[0]?.ip ?? paths[0]?.ip ?? ''}`, 'ip -d link show type macvlan']
  const names = (some: typeof paths) => some.map(({container}) => container).join(', ')
  if (unrouted.length > 0) {
    // No route is no path, whatever else is wrong: never "reached through another interface".
    const down = downReason(parent)
    const why = down ? `their parent ${l2.parent} is ${down}, and its routes went down with it` : 'no route in its main table covers their addresses'
    const shim = shims.size === 0 ? {message: ' Add a macvlan shim on the host.', symptoms: ['no-shim'], fix: shimFix(model, l2, l2.parent, settings.dhcpRanges)} : {message: '', symptoms: []}
    return {outcome: 'warn', subject, message: `The host has no route to ${names(unrouted)} at all: ${why}.${shim.message}`, evidence: {facts, commands}, symptoms: shim.symptoms, ...(shim.fix ? {fix: shim.fix} : {})}
  }
  if (isolated.length === 0) {
    const viaShim = paths.every(({route}) => route?.dev && shims.has(route.dev))
    const devices = [...new Set(paths.map(({route}) => route?.dev ?? ''))].join(', ')
    return {
      outcome: 'pass',
      subject,
      message: viaShim ? `The host's route to its containers goes through the shim ${devices}.` : `The host's route to its containers leaves through ${devices}, not through their parent.`,
      evidence: {facts, commands},
    }
  }
  const unreachable = `The host cannot reach ${names(isolated)} (and they cannot reach the host): traffic to them leaves through their own parent ${l2.parent}, and macvlan does not pass frames between a parent and its children.`
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
    requires: ['links', 'addresses', 'routes', 'networks', 'containers'],
    probes: ['host-to-container', 'duplicate-address'],
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
      return finding ? [withProbes(finding, model, l2, probes)] : []
    }),
}
